"""The plan on disk: ``plan.json`` (versioned, JSON Schema) plus a columnar ``.npz``.

``plan.json`` names the array file and its SHA-256. The array file is named after its
content, so writing a plan first adds a new array file, then atomically replaces
``plan.json``, then removes array files no longer referenced: a crash at any point leaves a
plan that loads (the old one or the new one).
"""

import hashlib
import io
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
from numpy.typing import NDArray

import smpstudio
from smpstudio.core._atomic import npz_bytes, write_bytes_atomic
from smpstudio.core._frames import RigidTransform
from smpstudio.core._values import (
    Camera,
    Design,
    HairCoverage,
    HeadModel,
    Pattern,
    Plan,
    Revision,
    SessionPlan,
    TouchUp,
    View,
    Zone,
)
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanFormatError, PlanValidationError

__all__ = ["PLAN_FILE_NAME", "PLAN_FORMAT_VERSION", "load_plan", "plan_schema", "save_plan"]

PLAN_FORMAT_VERSION = 3
"""Format version written by this release."""
PLAN_FILE_NAME = "plan.json"
"""Name of the plan document inside a plan folder."""

Document = dict[str, Any]
Migration = Callable[[Document], Document]


def _zones_get_kinds(doc: Document) -> Document:
    """Version 1 → 2: every zone of a version-1 design is a region without an outline.

    Version 2 adds scar and exclusion zones (``kind``, ``outline_mm``), each zone's
    impressions per follicular unit (1 before: one dot per unit), the design's
    per-face hair share (absent here: version-1 designs have no blend zone) and each view's
    ``middle_third_mm`` (absent: version-1 analyses did not measure it).
    """
    design = doc.get("design")
    if isinstance(design, dict):
        for zone in design.get("zones", []):
            if isinstance(zone, dict):
                zone.setdefault("kind", "region")
                zone.setdefault("outline_mm", None)
                zone.setdefault("impressions_per_fu", 1.0)
    return doc


def _sessions_get_shades(doc: Document) -> Document:
    """Version 2 → 3: nothing to change; version 3 adds optional fields.

    Each session may now name its pigment, lot, predicted and target colours, date window
    and closest same-session spacing; the plan may hold touch-ups and revisions. A
    version-2 plan has none of them: its sessions keep their default dilutions.
    """
    return doc


MIGRATIONS: dict[int, Migration] = {1: _zones_get_kinds, 2: _sessions_get_shades}
"""``MIGRATIONS[v]`` turns a version-``v`` document into version ``v + 1``; each version
has a corpus of plans under ``tests/data/plans/`` that must keep loading."""


def plan_schema() -> Document:
    """Return the JSON Schema of the current plan format.

    Returns
    -------
    dict
        The schema (Draft 2020-12), as published in ``smpstudio/core/plan.schema.json``.

    Examples
    --------
    >>> plan_schema()["properties"]["format_version"]
    {'const': 3}
    """
    text = resources.files("smpstudio.core").joinpath("plan.schema.json").read_text("utf-8")
    schema: Document = json.loads(text)
    return schema


# --------------------------------------------------------------------------- writing


def _matrix(t: RigidTransform) -> list[list[float]]:
    return [[float(x) for x in row] for row in t.matrix]


def _plan_document_and_arrays(plan: Plan) -> tuple[Document, dict[str, NDArray[Any]]]:
    arrays: dict[str, NDArray[Any]] = {}
    views = []
    for i, view in enumerate(plan.views):
        for key, mask in view.masks.items():
            arrays[f"view{i}_mask_{key}"] = np.packbits(mask, axis=None)
        views.append(
            {
                "name": view.name,
                "image_file": view.image_file,
                "image_sha256": view.image_sha256,
                "width_px": view.width_px,
                "height_px": view.height_px,
                "camera": None
                if view.camera is None
                else {
                    "fx_px": view.camera.fx_px,
                    "fy_px": view.camera.fy_px,
                    "cx_px": view.camera.cx_px,
                    "cy_px": view.camera.cy_px,
                    "frame": view.camera.camera_from_head.dst,
                    "camera_from_head": _matrix(view.camera.camera_from_head),
                },
                "face_box_px": None if view.face_box_px is None else list(view.face_box_px),
                "landmarks_px": None if view.landmarks_px is None else view.landmarks_px.tolist(),
                "mm_per_px": view.mm_per_px,
                "mm_per_px_relative_sd": view.mm_per_px_relative_sd,
                "scale_source": view.scale_source,
                "skin_lab": list(view.skin_lab),
                "skin_lab_iqr": None if view.skin_lab_iqr is None else list(view.skin_lab_iqr),
                "masks": sorted(view.masks),
                "quality": dict(view.quality),
                "quality_metrics": dict(view.quality_metrics),
                "head_pose_deg": None if view.head_pose_deg is None else list(view.head_pose_deg),
                "face_proportions": (
                    None if view.face_proportions is None else list(view.face_proportions)
                ),
                "middle_third_mm": view.middle_third_mm,
                "face_points_mm": (
                    None
                    if view.face_points_mm is None
                    else {k: list(xy) for k, xy in view.face_points_mm.items()}
                ),
                "view_kind": view.view_kind,
                "hair_lab": None if view.hair_lab is None else list(view.hair_lab),
                "hair_lab_iqr": None if view.hair_lab_iqr is None else list(view.hair_lab_iqr),
                "white_balance": view.white_balance,
                "colour_cast_deg": view.colour_cast_deg,
                "skin_patch": view.skin_patch,
                "focal_px": view.focal_px,
                "focal_source": view.focal_source,
            }
        )
    doc: Document = {
        "format": "smpstudio.plan",
        "format_version": PLAN_FORMAT_VERSION,
        "generator": f"smpstudio {smpstudio.__version__}",
        "seed": plan.seed,
        "units": "mm",
        "frame": "head",
        "arrays": {},
        "defaults_used": [
            {
                "name": d.name,
                "value": plan.default_value(d.name),
                "unit": d.unit,
                "source": (
                    f"edited by the practitioner (default {d.value:g})"
                    if d.name in plan.edited_defaults
                    else d.source
                    if d.source is not None
                    else "unsourced"
                ),
            }
            for d in (DEFAULTS[name] for name in plan.defaults_used)
        ],
        "views": views,
    }
    if plan.head is not None:
        h = plan.head
        doc["head"] = {
            "source": h.source,
            "vertex_count": len(h.vertices_mm),
            "face_count": len(h.faces),
        }
        arrays |= {
            "head_vertices_mm": h.vertices_mm,
            "head_faces": h.faces,
            "head_scalp_faces": h.scalp_faces,
        }
    if plan.hair_coverage:
        doc["hair_coverage"] = [
            {
                "region": c.region,
                "hair_fraction": c.hair_fraction,
                "seen_fraction": c.seen_fraction,
                "views": list(c.views),
            }
            for c in plan.hair_coverage
        ]
    if plan.design is not None:
        d = plan.design
        doc["design"] = {
            "style": d.style,
            "hairline_mm": d.hairline_mm.tolist(),
            "band_width_mm": d.band_width_mm,
            "lower_limit_mm": d.lower_limit_mm,
            "zones": [
                {
                    "zone_id": z.zone_id,
                    "name": z.name,
                    "density_per_cm2": z.density_per_cm2,
                    "dot_diameter_mm": z.dot_diameter_mm,
                    "kind": z.kind,
                    "outline_mm": None if z.outline_mm is None else z.outline_mm.tolist(),
                    "impressions_per_fu": z.impressions_per_fu,
                }
                for z in d.zones
            ],
            "hair_share": d.hair_share is not None,
            "whorl_mm": None if d.whorl_mm is None else d.whorl_mm.tolist(),
            "client_age_years": d.client_age_years,
            "glabella_height_mm": d.glabella_height_mm,
        }
        if d.hair_share is not None:
            arrays["design_hair_share"] = d.hair_share
    if plan.pattern is not None:
        doc["pattern"] = {"count": len(plan.pattern)}
        for column in Pattern.column_names():
            arrays[f"pattern_{column}"] = getattr(plan.pattern, column)
    if plan.sessions:
        doc["sessions"] = [
            {
                "index": s.index,
                "cumulative_fraction": s.cumulative_fraction,
                "impression_count": s.impression_count,
                "dilution_water_parts": s.dilution_water_parts,
                "needle_diameter_mm": s.needle_diameter_mm,
                "depth_setting_mm": s.depth_setting_mm,
                "day_window": list(s.day_window),
                "estimated_hours": list(s.estimated_hours),
                "pigment_id": s.pigment_id,
                "pigment_lot": s.pigment_lot,
                "healed_lab": None if s.healed_lab is None else list(s.healed_lab),
                "target_lab": None if s.target_lab is None else list(s.target_lab),
                "delta_e00": s.delta_e00,
                "date_window": None if s.date_window is None else list(s.date_window),
                "min_spacing_mm": s.min_spacing_mm,
            }
            for s in plan.sessions
        ]
    if plan.edited_defaults:
        doc["edited_defaults"] = dict(plan.edited_defaults)
    if plan.touch_ups:
        doc["touch_ups"] = []
        for k, t in enumerate(plan.touch_ups):
            arrays[f"touch_up{k}_ids"] = t.impression_ids
            doc["touch_ups"].append(
                {
                    "date": t.date,
                    "count": len(t.impression_ids),
                    "pigment_id": t.pigment_id,
                    "pigment_lot": t.pigment_lot,
                    "dilution_water_parts": t.dilution_water_parts,
                    "reason": t.reason,
                }
            )
    if plan.revisions:
        doc["revisions"] = [
            {
                "date": r.date,
                "view": r.view,
                "sessions_seen": r.sessions_seen,
                "measured_lab": list(r.measured_lab),
                "predicted_lab": list(r.predicted_lab),
                "impressions_measured": r.impressions_measured,
                "seen_share": r.seen_share,
                "changes": list(r.changes),
            }
            for r in plan.revisions
        ]
    return doc, arrays


def save_plan(plan: Plan, folder: Path) -> Path:
    """Write ``plan`` into ``folder`` atomically; return the path of ``plan.json``.

    Parameters
    ----------
    plan : Plan
        The plan to write.
    folder : Path
        Plan folder; created if missing.

    Returns
    -------
    Path
        Path of the written ``plan.json``.

    Notes
    -----
    The array file is named ``plan-<first 16 hex of its SHA-256>.npz``. Array files the new
    document does not reference are removed after the document is in place.
    """
    folder.mkdir(parents=True, exist_ok=True)
    doc, arrays = _plan_document_and_arrays(plan)
    blob = npz_bytes(arrays)
    digest = hashlib.sha256(blob).hexdigest()
    array_name = f"plan-{digest[:16]}.npz"
    array_path = folder / array_name
    if not array_path.exists() or hashlib.sha256(array_path.read_bytes()).hexdigest() != digest:
        write_bytes_atomic(array_path, blob)
    doc["arrays"] = {"file": array_name, "sha256": digest}
    text = json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    plan_path = folder / PLAN_FILE_NAME
    write_bytes_atomic(plan_path, text.encode("utf-8"))
    for stale in folder.glob("plan-*.npz"):
        if stale.name != array_name:
            stale.unlink()
    return plan_path


# --------------------------------------------------------------------------- reading


def _field_path(error: jsonschema.ValidationError) -> str:
    parts = ""
    for p in error.absolute_path:
        parts += f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p))
    return parts or "<document>"


def _migrate(doc: Document, path: Path) -> Document:
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise PlanFormatError(path, "format_version", f"must be an integer, got {version!r}")
    if version > PLAN_FORMAT_VERSION:
        raise PlanFormatError(
            path,
            "format_version",
            f"version {version} is newer than this release of SMP Studio reads "
            f"(up to {PLAN_FORMAT_VERSION}); upgrade smpstudio",
        )
    while version < PLAN_FORMAT_VERSION:
        if version not in MIGRATIONS:
            raise PlanFormatError(path, "format_version", f"no migration from version {version}")
        doc = MIGRATIONS[version](doc)
        version += 1
        doc["format_version"] = version
    return doc


def _read_document(path: Path) -> Document:
    if not path.is_file():
        raise PlanFormatError(path, "<document>", "no plan file here; run 'smp analyse' first")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PlanFormatError(path, "<document>", f"not UTF-8 text ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise PlanFormatError(
            path, "<document>", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(doc, dict):
        raise PlanFormatError(path, "<document>", "must be a JSON object")
    if doc.get("format") != "smpstudio.plan":
        raise PlanFormatError(
            path, "format", f"must be 'smpstudio.plan', got {doc.get('format')!r}"
        )
    doc = _migrate(doc, path)
    validator = jsonschema.Draft202012Validator(plan_schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        raise PlanFormatError(path, _field_path(first), first.message)
    return doc


def _read_arrays(folder: Path, doc: Document) -> dict[str, NDArray[Any]]:
    array_path = folder / doc["arrays"]["file"]
    if not array_path.is_file():
        raise PlanFormatError(
            array_path, "arrays.file", "the array file named by the plan is missing"
        )
    blob = array_path.read_bytes()
    if hashlib.sha256(blob).hexdigest() != doc["arrays"]["sha256"]:
        raise PlanFormatError(
            array_path, "arrays.sha256", "the array file does not match the checksum in the plan"
        )
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (ValueError, OSError) as exc:
        raise PlanFormatError(
            array_path, "arrays.file", f"not a readable .npz file: {exc}"
        ) from exc


def _need(arrays: dict[str, NDArray[Any]], name: str, path: Path) -> NDArray[Any]:
    if name not in arrays:
        raise PlanFormatError(path, f"arrays.{name}", "array is missing from the array file")
    return arrays[name]


def _lab_or_none(values: list[float] | None) -> tuple[float, float, float] | None:
    return None if values is None else (values[0], values[1], values[2])


def _build_plan(doc: Document, arrays: dict[str, NDArray[Any]], array_path: Path) -> Plan:
    views = []
    for i, v in enumerate(doc["views"]):
        cam = v["camera"]
        masks = {}
        for key in v["masks"]:
            bits = _need(arrays, f"view{i}_mask_{key}", array_path)
            count = v["height_px"] * v["width_px"]
            masks[key] = (
                np.unpackbits(bits.astype(np.uint8), count=count)
                .astype(bool)
                .reshape(v["height_px"], v["width_px"])
            )
        views.append(
            View(
                name=v["name"],
                image_file=v["image_file"],
                image_sha256=v["image_sha256"],
                width_px=v["width_px"],
                height_px=v["height_px"],
                camera=None
                if cam is None
                else Camera(
                    cam["fx_px"],
                    cam["fy_px"],
                    cam["cx_px"],
                    cam["cy_px"],
                    RigidTransform(np.array(cam["camera_from_head"]), cam["frame"], "head"),
                ),
                face_box_px=None if v["face_box_px"] is None else tuple(v["face_box_px"]),
                landmarks_px=None if v["landmarks_px"] is None else np.array(v["landmarks_px"]),
                mm_per_px=v["mm_per_px"],
                mm_per_px_relative_sd=v.get("mm_per_px_relative_sd"),
                scale_source=v.get("scale_source", "interpupillary distance (population)"),
                skin_lab=tuple(v["skin_lab"]),
                skin_lab_iqr=None if v.get("skin_lab_iqr") is None else tuple(v["skin_lab_iqr"]),
                masks=masks,
                quality=v["quality"],
                quality_metrics=v.get("quality_metrics", {}),
                head_pose_deg=None if v.get("head_pose_deg") is None else tuple(v["head_pose_deg"]),
                face_proportions=(
                    None if v.get("face_proportions") is None else tuple(v["face_proportions"])
                ),
                middle_third_mm=v.get("middle_third_mm"),
                face_points_mm=(
                    None
                    if v.get("face_points_mm") is None
                    else {k: (xy[0], xy[1]) for k, xy in v["face_points_mm"].items()}
                ),
                view_kind=v.get("view_kind"),
                hair_lab=None if v.get("hair_lab") is None else tuple(v["hair_lab"]),
                hair_lab_iqr=None if v.get("hair_lab_iqr") is None else tuple(v["hair_lab_iqr"]),
                white_balance=v.get("white_balance", "none"),
                colour_cast_deg=v.get("colour_cast_deg"),
                skin_patch=v.get("skin_patch"),
                focal_px=v.get("focal_px"),
                focal_source=v.get("focal_source"),
            )
        )
    head = None
    if "head" in doc:
        head = HeadModel(
            _need(arrays, "head_vertices_mm", array_path),
            _need(arrays, "head_faces", array_path),
            _need(arrays, "head_scalp_faces", array_path),
            doc["head"]["source"],
        )
    design = None
    if "design" in doc:
        d = doc["design"]
        design = Design(
            d["style"],
            np.array(d["hairline_mm"]),
            d["band_width_mm"],
            d["lower_limit_mm"],
            tuple(
                Zone(
                    **(
                        z
                        | {
                            "outline_mm": None
                            if z["outline_mm"] is None
                            else np.array(z["outline_mm"], dtype=np.float64)
                        }
                    )
                )
                for z in d["zones"]
            ),
            _need(arrays, "design_hair_share", array_path) if d.get("hair_share") else None,
            None if d.get("whorl_mm") is None else np.array(d["whorl_mm"], dtype=np.float64),
            d.get("client_age_years"),
            d.get("glabella_height_mm"),
        )
    pattern = None
    if "pattern" in doc:
        columns = {c: _need(arrays, f"pattern_{c}", array_path) for c in Pattern.column_names()}
        pattern = Pattern(**columns)
        if len(pattern) != doc["pattern"]["count"]:
            raise PlanFormatError(
                array_path,
                "pattern.count",
                f"plan says {doc['pattern']['count']} impressions, arrays hold {len(pattern)}",
            )
    sessions = tuple(
        SessionPlan(
            index=s["index"],
            cumulative_fraction=s["cumulative_fraction"],
            impression_count=s["impression_count"],
            dilution_water_parts=s["dilution_water_parts"],
            needle_diameter_mm=s["needle_diameter_mm"],
            depth_setting_mm=s["depth_setting_mm"],
            day_window=(s["day_window"][0], s["day_window"][1]),
            estimated_hours=(s["estimated_hours"][0], s["estimated_hours"][1]),
            pigment_id=s.get("pigment_id"),
            pigment_lot=s.get("pigment_lot"),
            healed_lab=_lab_or_none(s.get("healed_lab")),
            target_lab=_lab_or_none(s.get("target_lab")),
            delta_e00=s.get("delta_e00"),
            date_window=None if s.get("date_window") is None else tuple(s["date_window"]),
            min_spacing_mm=s.get("min_spacing_mm"),
        )
        for s in doc.get("sessions", [])
    )
    touch_ups = []
    for k, t in enumerate(doc.get("touch_ups", [])):
        ids = _need(arrays, f"touch_up{k}_ids", array_path)
        if len(ids) != t["count"]:
            raise PlanFormatError(
                array_path,
                f"touch_ups[{k}].count",
                f"plan says {t['count']} impressions, arrays hold {len(ids)}",
            )
        if pattern is None or (len(ids) and (ids.min() < 0 or ids.max() >= len(pattern))):
            raise PlanFormatError(
                array_path, f"touch_ups[{k}]", "names impressions the pattern does not have"
            )
        touch_ups.append(
            TouchUp(
                date=t["date"],
                impression_ids=ids.astype(np.int64),
                pigment_id=t["pigment_id"],
                pigment_lot=t["pigment_lot"],
                dilution_water_parts=t["dilution_water_parts"],
                reason=t["reason"],
            )
        )
    revisions = tuple(
        Revision(
            date=r["date"],
            view=r["view"],
            sessions_seen=r["sessions_seen"],
            measured_lab=(r["measured_lab"][0], r["measured_lab"][1], r["measured_lab"][2]),
            predicted_lab=(r["predicted_lab"][0], r["predicted_lab"][1], r["predicted_lab"][2]),
            impressions_measured=r["impressions_measured"],
            seen_share=r["seen_share"],
            changes=tuple(r["changes"]),
        )
        for r in doc.get("revisions", [])
    )
    unknown = [d["name"] for d in doc["defaults_used"] if d["name"] not in DEFAULTS]
    if unknown:
        raise PlanValidationError(f"defaults_used names unknown defaults: {unknown}")
    return Plan(
        seed=doc["seed"],
        views=tuple(views),
        head=head,
        design=design,
        pattern=pattern,
        sessions=sessions,
        touch_ups=tuple(touch_ups),
        revisions=revisions,
        edited_defaults=doc.get("edited_defaults", {}),
        defaults_used=tuple(d["name"] for d in doc["defaults_used"]),
        hair_coverage=tuple(
            HairCoverage(
                region=c["region"],
                hair_fraction=c["hair_fraction"],
                seen_fraction=c["seen_fraction"],
                views=tuple(c["views"]),
            )
            for c in doc.get("hair_coverage", [])
        ),
    )


def load_plan(folder: Path) -> Plan:
    """Read the plan in ``folder``, migrating an older format version.

    Parameters
    ----------
    folder : Path
        A plan folder written by :func:`save_plan`.

    Returns
    -------
    Plan
        The plan, equal to the one saved.

    Raises
    ------
    PlanFormatError
        The document is malformed, a field is wrong or missing (the message names it and
        the file), the array file is missing, changed or lacks an array, or the format
        version is newer than this release reads.
    """
    path = folder / PLAN_FILE_NAME
    doc = _read_document(path)
    arrays = _read_arrays(folder, doc)
    try:
        return _build_plan(doc, arrays, folder / doc["arrays"]["file"])
    except PlanValidationError as exc:
        raise PlanFormatError(path, "<values>", str(exc)) from exc
