"""Stage runners: read a plan folder, run one stage's pure function, write the result.

This is the file-system edge of the pipeline; ``cli.py`` (and later the studio) call it.
A plan folder holds ``plan.json``, its array file, ``photos/`` (copies of the inputs),
``analysis/`` (a report and an overlay per photo), ``preview/`` and ``programs/``.
"""

import dataclasses
import datetime as dt
import io
import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
import trimesh
from PIL import Image

from smpstudio._typing import PointsMM
from smpstudio.analysis import (
    SHEET_PX_PER_MM,
    analyse_photo,
    analysis_overlay,
    analysis_report,
    flag_other_people,
    list_photos,
    marker_sheet,
    photo_focal,
    read_photo,
)
from smpstudio.client_text import client_facts_text
from smpstudio.core import (
    PLAN_FILE_NAME,
    HeadModel,
    Pattern,
    Plan,
    Program,
    TouchUp,
    View,
    load_plan,
    save_plan,
    write_bytes_atomic,
)
from smpstudio.design import (
    DesignFinding,
    HairLossStage,
    check_design,
    choose_hairline_preset,
    default_design,
    estimate_hair_loss_stage,
    face_reference_from_views,
    move_control_point,
    move_whorl,
    outline_zones,
    set_zone_target,
)
from smpstudio.domain import DEFAULTS, Sex
from smpstudio.errors import (
    ImageReadError,
    InputFolderError,
    PlanFormatError,
    PlanValidationError,
    ProgramSafetyError,
    StageOrderError,
)
from smpstudio.head import (
    ImportedScan,
    ScalpChart,
    ScanHead,
    fit_ellipsoid_head,
    fit_head_to_views,
    hair_coverage,
    hair_share_of_faces,
    head_from_scan,
    load_scan,
    register_frontal_view,
    remesh_scalp,
    scalp_chart,
)
from smpstudio.pattern import (
    FollicularUnits,
    PatternReport,
    follicular_units,
    fu_density_map,
    impressions_of_units,
    pattern_report,
)
from smpstudio.pigment import (
    OPTICAL_DEFAULT_NAMES,
    OpticalModel,
    PigmentCatalogue,
    Shade,
    dilution_steps,
    dot_diameter_mm,
    dot_lab,
    fading_delta_e,
    load_catalogue,
    touch_up_due_years,
)
from smpstudio.program import (
    DIRECT_TRAVEL_MM,
    PROGRAM_DEFAULT_NAMES,
    ProgramDuration,
    ProgramSettings,
    Reconciliation,
    SafetyLimits,
    build_program,
    deposited_pattern,
    estimate_duration,
    program_violations,
    read_execution_log,
    read_program_json,
    reconcile_log,
    resume_program,
    write_program_csv,
    write_program_five_axis,
    write_program_gcode,
    write_program_json,
)
from smpstudio.render import (
    RENDER_DEFAULT_NAMES,
    SKIN_RGB,
    PlannedDots,
    PreviewLook,
    RenderModel,
    contact_sheet,
    density_heat_map,
    design_overlay,
    design_stencil_pdf,
    design_turntable,
    hairline_close_up,
    hairline_macro,
    head_box,
    healed_preview,
    healed_turntable,
    labelled_row,
    pair_correlation_plot,
    photo_previews,
    render_preview,
    scalp_grid_overlay,
    scan_credit,
    session_figure,
    tour_chart,
    turntable,
)
from smpstudio.sessions import (
    Questionnaire,
    SessionSettings,
    aftercare_days,
    aftercare_ics,
    aftercare_instructions,
    aftercare_text,
    cumulative_shares,
    day_windows,
    measure_follow_up,
    revise_sessions,
    session_plans,
    session_shades,
    split_sessions,
)

__all__ = [
    "STAGES",
    "read_questionnaire",
    "run_analyse",
    "run_design",
    "run_edit",
    "run_execution_log",
    "run_follow_up",
    "run_head",
    "run_pattern",
    "run_plan",
    "run_preview",
    "run_program",
    "run_replay",
    "run_resume",
    "run_sessions",
    "run_touch_up",
    "session_document",
    "unsourced_defaults",
    "write_marker_sheet",
]

STAGES = ("analyse", "head", "design", "pattern", "sessions", "preview", "program")
"""Pipeline stages in order."""

_PROGRAM_SAFETY_NAMES = (
    "needle_depth_min_mm",
    "needle_depth_limit_mm",
    "min_impression_spacing_mm",
    "max_design_density_per_cm2",
    "program_min_clearance_mm",
)


_STAGE_DEFAULTS: dict[str, tuple[str, ...]] = {
    "head": (
        "portrait_focal_length_mm",
        "eye_height_above_frankfort_mm",
        "eye_forward_of_tragion_mm",
        "head_centre_forward_of_tragion_mm",
        "head_centre_height_above_tragion_mm",
        "scalp_lower_limit_above_frankfort_mm",
        "scalp_front_lower_limit_above_frankfort_mm",
        "scalp_forehead_azimuth_deg",
        "scalp_temple_azimuth_deg",
        "interpupillary_measured_sd_mm",
    ),
    "design": (
        "glabella_height_above_frankfort_mm",
        "hairline_mfp_above_glabella_mm",
        "hairline_mfp_min_above_glabella_mm",
        "hairline_mfp_max_above_glabella_mm",
        "hairline_off_scalp_tolerance_mm",
        "hairline_frontotemporal_above_canthus_mm",
        "temporal_peak_construction_mm",
        "temporal_peak_from_frontotemporal_mm",
        "lateral_canthus_half_width_mm",
        "hairline_band_width_mm",
        "hairline_soft_transition_mm",
        "hairline_defined_transition_mm",
        "hairline_juvenile_forward_mm",
        "hairline_mature_by_age_years",
        "hairline_macro_wavelength_mm",
        "hairline_micro_wavelength_mm",
        "hairline_soft_macro_rms_mm",
        "hairline_natural_macro_rms_mm",
        "hairline_defined_macro_rms_mm",
        "hairline_soft_micro_rms_mm",
        "hairline_natural_micro_rms_mm",
        "hairline_defined_micro_rms_mm",
        "impression_density_per_cm2",
        "min_design_density_per_cm2",
        "max_design_density_per_cm2",
        "hairline_band_density_fraction",
        "temple_density_fraction",
        "hair_bare_below_fraction",
        "hair_coverage_reading_sd",
        "stage_preset_min_confidence",
        "hair_full_from_fraction",
        "frontal_zone_depth_mm",
        "crown_whorl_behind_vertex_mm",
        "crown_zone_radius_mm",
        "dot_diameter_mm",
        "hairline_dot_diameter_mm",
        "impressions_per_follicular_unit",
    ),
    "pattern": (
        "fu_share_1_impression",
        "fu_share_2_impressions",
        "fu_share_3_impressions",
        "fu_share_4_impressions",
        "fu_impression_offset_mm",
        "dot_diameter_variation",
        "dot_diameter_min_mm",
        "dot_diameter_max_mm",
        "hairline_ramp_start_fraction",
        "hairline_stray_reach_mm",
        "hairline_stray_density_fraction",
        "exclusion_margin_mm",
        "min_impression_spacing_mm",
    ),
    "sessions": (
        "session_count",
        "first_session_share",
        "second_session_share",
        "first_session_dilution_water_parts",
        "later_session_dilution_water_parts",
        "session_interval_min_days",
        "session_interval_max_days",
        "impressions_per_hour_low",
        "impressions_per_hour_high",
        "needle_diameter_mm",
        "needle_depth_setting_mm",
        "session_min_spacing_mm",
        "session_setup_hours",
        "first_session_design_hours",
        "pigment_retained_fraction",
        "pigment_stock_optical_depth",
        "epidermal_veil_fraction",
        "veil_wavelength_exponent",
        "hair_section_path_ratio",
        "healed_dot_shrink",
        "first_session_lightening_l",
        "max_dilution_water_parts",
        "fade_rate_per_year",
        "sun_share_of_fading",
        "dot_spread_mm_per_year",
        "touch_up_delta_e00",
        "aftercare_dry_days",
        "aftercare_razor_from_day",
        "aftercare_sweat_from_day",
        "aftercare_sun_days",
        "aftercare_healing_days",
        "aftercare_pool_days_after_final",
    ),
    "preview": ("preview_stubble_mm", *RENDER_DEFAULT_NAMES.values()),
    "program": (*PROGRAM_DEFAULT_NAMES, *_PROGRAM_SAFETY_NAMES),
}
_STAGE_SEED_KEYS = {"pattern": 4}


def _rng(plan: Plan, stage: str) -> np.random.Generator:
    return np.random.default_rng([plan.seed, _STAGE_SEED_KEYS[stage]])


def _with_defaults(plan: Plan, stage: str, **changes: object) -> Plan:
    used = tuple(dict.fromkeys((*plan.defaults_used, *_STAGE_DEFAULTS.get(stage, ()))))
    return dataclasses.replace(plan, defaults_used=used, **changes)  # type: ignore[arg-type]


_STAGE_OUTPUTS = (
    ("design", ("design/*.png", "design/design.pdf")),
    ("pattern", ("pattern/*.png", "pattern/statistics.json")),
    ("sessions", ("sessions/*.png", "sessions/*.json", "sessions/*.txt", "sessions/*.ics")),
    ("preview", ("preview/*.png",)),
    ("program", ("programs/session-*", "programs/resume/session-*")),
)
"""Files each stage writes beside the plan, in pipeline order. Device logs and their
reconciliations (``programs/device-log-*``, ``programs/executed-*``) are records of what
was done to the client and are never removed."""


def _remove_outputs_after(out_dir: Path, stage: str) -> None:
    """Delete the files of the stages after ``stage``: they show a plan that is gone."""
    names = [name for name, _ in _STAGE_OUTPUTS]
    later = _STAGE_OUTPUTS[names.index(stage) + 1 :] if stage in names else _STAGE_OUTPUTS
    for _, patterns in later:
        for pattern in patterns:
            for path in out_dir.glob(pattern):
                path.unlink()


_Model = TypeVar("_Model", OpticalModel, SessionSettings, RenderModel, SafetyLimits)


def _from_defaults(kind: type[_Model], plan: Plan) -> _Model:
    """A model of the plan's named defaults; an edit it refuses is the plan's error."""
    try:
        return kind.from_defaults(plan.default_value)
    except ValueError as exc:
        raise PlanValidationError(f"the plan's edited defaults: {exc}") from exc


def _load_after(folder: Path, stage: str, needs: str) -> Plan:
    if not (folder / PLAN_FILE_NAME).is_file():
        raise StageOrderError(stage, "analyse", folder)
    plan = load_plan(folder)
    if needs not in plan.stages_done:
        raise StageOrderError(stage, needs, folder)
    return plan


def unsourced_defaults(plan: Plan) -> list[str]:
    """Describe the unsourced defaults a plan relies on, one line each.

    Parameters
    ----------
    plan : Plan
        Any plan.

    Returns
    -------
    list of str
        ``"name = value unit (note)"`` for every default without a published source, with
        the practitioner's value where it was edited.
    """
    lines = []
    for name in plan.defaults_used:
        d = DEFAULTS[name]
        if d.is_unsourced:
            edited = " (edited)" if name in plan.edited_defaults else ""
            lines.append(f"{d.name} = {plan.default_value(name):g} {d.unit}{edited} ({d.note})")
    return lines


def run_analyse(
    photos_dir: Path,
    out_dir: Path,
    *,
    seed: int = 0,
    sex: Sex = "male",
    interpupillary_mm: float | None = None,
    view_kinds: dict[str, str] | None = None,
) -> Plan:
    """Analyse every photo in ``photos_dir`` and start a plan in ``out_dir``.

    Parameters
    ----------
    photos_dir : Path
        Folder of one client's photos.
    out_dir : Path
        Plan folder to create or overwrite.
    seed : int, optional
        Seed for every later random choice.
    sex : {"male", "female"}, optional
        Selects ANSUR II means where the client was not measured.
    interpupillary_mm : float, optional
        Measured interpupillary distance, millimetres.
    view_kinds : dict of str to str, optional
        Declared view per photo name (file stem): ``"front"``, ``"left"``, ``"right"``,
        ``"top"`` or ``"back"``; undeclared photos are classified.

    Returns
    -------
    Plan
        The new plan, also written to ``out_dir``, with ``analysis/<photo>.json`` (every
        measurement) and ``analysis/<photo>.png`` (an overlay of what was found).

    Raises
    ------
    InputFolderError
        If ``photos_dir`` is missing, not a folder, or holds no photo.
    ImageReadError, NoFaceFoundError
        For the first photo that cannot be used (nothing is written then).
    """
    if not photos_dir.exists():
        raise InputFolderError(photos_dir, "folder does not exist")
    if not photos_dir.is_dir():
        raise InputFolderError(photos_dir, "is a file, not a folder of photos")
    photos = list_photos(photos_dir)
    unknown = sorted(set(view_kinds or {}) - {p.stem for p in photos})
    if unknown:
        raise InputFolderError(photos_dir, f"no photo named {unknown} to declare a view for")
    if not photos:
        raise InputFolderError(
            photos_dir, "holds no photos (looked for .jpg, .jpeg, .png, .tif, .tiff, .webp)"
        )
    views = []
    overlays = []  # encoded PNGs: nothing is written until every photo has been analysed
    for path in photos:
        image, sha = read_photo(path)
        view = analyse_photo(
            image,
            name=path.stem,
            image_file=f"photos/{path.name}",
            image_sha256=sha,
            sex=sex,
            interpupillary_mm=interpupillary_mm,
            focal=photo_focal(path, image.shape[1], image.shape[0]),
            view_kind=(view_kinds or {}).get(path.stem),
        )
        views.append(view)
        overlays.append(_png_bytes(analysis_overlay(image, view)))
    names = [v.name for v in views]
    if len(set(names)) != len(names):
        raise InputFolderError(photos_dir, f"two photos share a name stem: {sorted(names)}")
    views = list(flag_other_people(views))
    (out_dir / "photos").mkdir(parents=True, exist_ok=True)
    (out_dir / "analysis").mkdir(exist_ok=True)
    for path, view, overlay in zip(photos, views, overlays, strict=True):
        shutil.copyfile(path, out_dir / "photos" / path.name)
        report = json.dumps(analysis_report(view), indent=1, allow_nan=False) + "\n"
        write_bytes_atomic(out_dir / "analysis" / f"{view.name}.json", report.encode("utf-8"))
        write_bytes_atomic(out_dir / "analysis" / f"{view.name}.png", overlay)
    plan = Plan(seed=seed, views=tuple(views))
    save_plan(plan, out_dir)
    return plan


def run_head(
    out_dir: Path,
    *,
    sex: Sex = "male",
    interpupillary_mm: float | None = None,
    scan: Path | None = None,
    scan_units: str | None = None,
    picked_mm: PointsMM | None = None,
    head_circumference_mm: float | None = None,
) -> Plan:
    """Make the head model (from a scan, or the ANSUR II ellipsoid) and register each view.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``analyse``.
    sex : {"male", "female"}, optional
        Which ANSUR II means size the head when there is no scan.
    interpupillary_mm : float, optional
        Measured interpupillary distance, millimetres (else the one the view's scale
        implies: the ANSUR II mean, or what a marker measured).
    scan : Path, optional
        A head scan (PLY, OBJ, STL, glTF): the head model is made from it, and photos are
        registered to its face. The scan as read is written to ``head/scan.glb`` in the head
        frame (texture kept) and what was done to it to ``head/scan.json``.
    scan_units : str, optional
        The scan's length unit (default: inferred from its size).
    picked_mm : (3, 3) ndarray of float, optional
        Right tragion, left tragion and an orbitale on the scan, scan millimetres; by
        default the scan is aligned from the face found in renders of it.
    head_circumference_mm : float, optional
        The client's head circumference taped above the brows, millimetres: it sizes the
        head fitted to photos (ignored with a scan, which has its own size).

    Returns
    -------
    Plan
        The updated plan, also written. Views without a face (top, back) keep no camera.

    Raises
    ------
    PlanValidationError
        If there is no scan and no photo shows a face.
    ScanError, UnitsError
        If the scan cannot be used.
    """
    plan = _load_after(out_dir, "head", "analyse")
    faces = [v for v in plan.views if v.landmarks_px is not None and v.mm_per_px is not None]
    if not faces and scan is None:
        raise PlanValidationError(
            f"{out_dir}: no photo shows a face; the head model is placed from a front photo "
            "with the whole face visible"
        )
    for stale in ("fit.json", "scan.json", "scan.glb"):  # records of an earlier head
        (out_dir / "head" / stale).unlink(missing_ok=True)
    face_points = None
    fitted_views: dict[str, View] = {}
    if scan is None:
        head, face_points, fitted_views = _fitted_head(
            out_dir, plan.views, sex, interpupillary_mm, head_circumference_mm
        )
    else:
        imported = load_scan(scan, units=scan_units)
        scanned = head_from_scan(imported, picked_mm=picked_mm)
        head, face_points = scanned.head, scanned.face_points_mm
        _write_scan_record(out_dir, imported, scanned)
    registered = fitted_views | {
        v.name: register_frontal_view(
            v,
            interpupillary_mm=interpupillary_mm
            or float(np.hypot(*(v.landmarks_px[1] - v.landmarks_px[0]))) * v.mm_per_px,
            face_points_mm=face_points,
        )
        for v in faces
        if v.landmarks_px is not None and v.mm_per_px is not None and v.name not in fitted_views
    }
    views = tuple(registered.get(v.name, v) for v in plan.views)
    # a design, pattern and sessions made on the earlier head do not fit this one
    plan = _with_defaults(
        plan,
        "head",
        head=head,
        views=views,
        hair_coverage=hair_coverage(head, views),
        design=None,
        pattern=None,
        sessions=(),
    )
    _write_head_pictures(out_dir, plan)
    save_plan(plan, out_dir)
    _remove_outputs_after(out_dir, "head")
    return plan


def _fitted_head(
    out_dir: Path,
    views: Sequence[View],
    sex: Sex,
    interpupillary_mm: float | None,
    head_circumference_mm: float | None,
) -> tuple[HeadModel, PointsMM | None, dict[str, View]]:
    """The ICT-FaceKit head fitted to the photos (a front one first), or the ANSUR ellipsoid.

    Writes ``head/fit.json``: the fit's figures, or why the ellipsoid was used.
    """
    front = [
        v
        for v in views
        if v.view_kind == "front" and v.landmarks_px is not None and v.mm_per_px is not None
    ]
    record: dict[str, object]
    result: tuple[HeadModel, PointsMM | None, dict[str, View]]
    try:
        if not front:
            raise PlanValidationError("no front photo with a face and a head outline")
        view = front[0]
        assert view.landmarks_px is not None and view.mm_per_px is not None
        ipd_px = float(np.linalg.norm(view.landmarks_px[1] - view.landmarks_px[0]))
        ipd_mm = interpupillary_mm or ipd_px * view.mm_per_px
        measured_sd = DEFAULTS["interpupillary_measured_sd_mm"].value
        ipd_sd = (
            measured_sd
            if interpupillary_mm
            else max(measured_sd, ipd_mm * (view.mm_per_px_relative_sd or 0.0))
        )
        others = [v for v in views if v.landmarks_px is None and "background" in v.masks]
        fitted, fitted_views, fit = fit_head_to_views(
            [view, *others],
            interpupillary_mm=ipd_mm,
            interpupillary_sd_mm=ipd_sd,
            head_circumference_mm=head_circumference_mm,
            sex=sex,
        )
        head, remesh = remesh_scalp(fitted)
        record = {
            "head": head.source,
            "interpupillary_mm": ipd_mm,
            "interpupillary_sd_mm": ipd_sd,
            "head_circumference_mm": head_circumference_mm,
            "views": [dataclasses.asdict(f) for f in fit.views],
            "unregistered": list(fit.unregistered),
            "head_breadth_mm": fit.head_breadth_mm,
            "head_length_mm": fit.head_length_mm,
            "tragion_to_top_mm": fit.tragion_to_top_mm,
            "scalp_sd_mm": {"mean": fit.scalp_sd_mm[0], "p95": fit.scalp_sd_mm[1]},
            "tragion_sd_mm": fit.tragion_sd_mm,
            "frame_rotation_sd_deg": fit.frame_rotation_sd_deg,
            "scale": fit.scale,
            "identity_coefficients": fit.coefficients.round(4).tolist(),
            "scalp_remesh": dataclasses.asdict(remesh),
        }
        registered = {v.name: v for v in fitted_views if v.camera is not None}
        result = (head, fit.face_points_mm, registered)
    except PlanValidationError as exc:
        head = fit_ellipsoid_head(sex)
        record = {"head": head.source, "why_not_fitted": str(exc)}
        result = (head, None, {})
    (out_dir / "head").mkdir(exist_ok=True)
    text = json.dumps(record, indent=1, allow_nan=False) + "\n"
    write_bytes_atomic(out_dir / "head" / "fit.json", text.encode("utf-8"))
    return result


def _write_head_pictures(out_dir: Path, plan: Plan) -> None:
    """Write ``head/head.ply``, ``head/cameras.json``, ``head/<view>.png`` and turntable."""
    assert plan.head is not None
    folder = out_dir / "head"
    folder.mkdir(exist_ok=True)
    mesh = trimesh.Trimesh(plan.head.vertices_mm, plan.head.faces, process=False)
    ply = mesh.export(file_type="ply")
    assert isinstance(ply, bytes)
    write_bytes_atomic(folder / "head.ply", ply)
    cameras = {
        "frame": "head (millimetres); camera axes as OpenCV (x right, y down, z forward)",
        "views": {
            v.name: {
                "fx_px": v.camera.fx_px,
                "fy_px": v.camera.fy_px,
                "cx_px": v.camera.cx_px,
                "cy_px": v.camera.cy_px,
                "camera_from_head": v.camera.camera_from_head.matrix.tolist(),
            }
            for v in plan.views
            if v.camera is not None
        },
    }
    text = json.dumps(cameras, indent=1, allow_nan=False) + "\n"
    write_bytes_atomic(folder / "cameras.json", text.encode("utf-8"))
    for view in plan.views:
        if view.camera is not None:
            image, _ = read_photo(out_dir / view.image_file)
            overlay = scalp_grid_overlay(image, plan.head, view.camera)
            write_bytes_atomic(folder / f"{view.name}.png", _png_bytes(overlay))
    write_bytes_atomic(folder / "turntable.png", _png_bytes(turntable(plan.head)))


def _write_design_pictures(out_dir: Path, plan: Plan, chart: ScalpChart) -> None:
    """Write ``design/<view>.png``, ``design/turntable.png`` and ``design/design.pdf``."""
    assert plan.head is not None and plan.design is not None
    folder = out_dir / "design"
    folder.mkdir(exist_ok=True)
    for view in plan.views:
        if view.camera is not None:
            image, _ = read_photo(out_dir / view.image_file)
            overlay = design_overlay(image, plan.head, plan.design, view.camera, chart=chart)
            write_bytes_atomic(folder / f"{view.name}.png", _png_bytes(overlay))
    picture = design_turntable(plan.head, plan.design, chart=chart)
    write_bytes_atomic(folder / "turntable.png", _png_bytes(picture))
    pdf = design_stencil_pdf(plan.head, plan.design, chart=chart)
    write_bytes_atomic(folder / "design.pdf", pdf)


def _write_scan_record(out_dir: Path, imported: ImportedScan, scanned: ScanHead) -> None:
    """Write the scan in the head frame (``head/scan.glb``) and its record (``head/scan.json``)."""
    display = scanned.display
    visual = None
    if display.uv is not None:
        image = None if display.texture is None else Image.fromarray(display.texture)
        visual = trimesh.visual.TextureVisuals(  # type: ignore[no-untyped-call]
            uv=display.uv, image=image
        )
    mesh = trimesh.Trimesh(display.vertices_mm, display.faces, visual=visual, process=False)
    (out_dir / "head").mkdir(exist_ok=True)
    glb = mesh.export(file_type="glb")
    assert isinstance(glb, bytes)
    write_bytes_atomic(out_dir / "head" / "scan.glb", glb)
    record = {
        "file": imported.path.name,
        "units": imported.units,
        "units_detected_from_size": imported.units_detected,
        "repairs": list(imported.repairs),
        "frame": "head (millimetres)",
        "alignment": scanned.alignment,
        "head_from_scan": scanned.head_from_scan.matrix.tolist(),
        "measures_mm": dataclasses.asdict(scanned.measures),
        "scalp_remesh": dataclasses.asdict(scanned.remesh),
    }
    text = json.dumps(record, indent=1, allow_nan=False) + "\n"
    write_bytes_atomic(out_dir / "head" / "scan.json", text.encode("utf-8"))


def run_design(
    out_dir: Path,
    *,
    style: str | None = None,
    age: str | None = None,
    sex: str = "male",
    mfp_above_glabella_mm: float | None = None,
    mfp_from_facial_thirds: bool = False,
    outlines: Path | None = None,
    client_age_years: float | None = None,
) -> tuple[Plan, tuple[DesignFinding, ...], HairLossStage]:
    """Place a default design (rule-of-8 hairline, zones, scars, exclusions) on the head.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``head``.
    style : {"natural", "soft", "defined"}, optional
        Hairline style preset (default: the hair-loss stage's preset, else "natural").
    age : {"mature", "juvenile"}, optional
        Hairline age preset (default: the hair-loss stage's preset, else "mature").
    sex : {"male", "female"}, optional
        Chooses the hair-loss scale: Hamilton–Norwood (default) or Ludwig.
    mfp_above_glabella_mm : float, optional
        Height of the mid-frontal point above mid-glabella along the forehead, millimetres
        (default: the rule of 8, less the juvenile offset for a juvenile line).
    mfp_from_facial_thirds : bool, optional
        Place the mid-frontal point by the facial thirds instead: the upper third as tall
        as the middle third the face photos measure (their median).
    outlines : Path, optional
        A JSON file ``{"outlines": [...]}`` of scars and exclusions drawn on a photo (pixels)
        or on the head (head-frame millimetres), as :func:`smpstudio.design.outline_zones`
        reads them.
    client_age_years : float, optional
        The client's age, years: kept in the design for the hairline check, and a preset
        gives no juvenile line from ``hairline_mature_by_age_years`` on.

    Returns
    -------
    Plan
        The updated plan, also written.
    tuple of DesignFinding
        The design checks' warnings (:func:`smpstudio.design.check_design`).
    HairLossStage
        The stage estimated from the plan's hair coverage; its ``preset`` gave the style
        and age not passed in.

    Raises
    ------
    PlanValidationError
        If the outlines file is unreadable or wrong, the facial thirds are asked for and no
        photo measured them, both a height and the facial thirds are asked for, or a check
        finds an error (nothing is written then).
    """
    if mfp_from_facial_thirds and mfp_above_glabella_mm is not None:
        raise PlanValidationError("give a mid-frontal height or the facial thirds, not both")
    entries = None if outlines is None else _read_outlines(outlines)
    plan = _load_after(out_dir, "design", "head")
    assert plan.head is not None
    middle_third_mm = None
    if mfp_from_facial_thirds:
        thirds = [v.middle_third_mm for v in plan.views if v.middle_third_mm is not None]
        if not thirds:
            raise PlanValidationError(
                "the facial thirds need a photo showing the face (glabella to subnasale); "
                "none of this plan's photos measured it (plans analysed before format 2 "
                "did not: run smp analyse again)"
            )
        middle_third_mm = float(np.median(thirds))
    registered = any(v.camera is not None for v in plan.views)
    stage = estimate_hair_loss_stage(plan.hair_coverage, sex)
    style, age, _ = choose_hairline_preset(
        stage, style=style, age=age, client_age_years=client_age_years
    )
    design = default_design(
        plan.head,
        style=style,
        age=age,
        mfp_above_glabella_mm=mfp_above_glabella_mm,
        middle_third_mm=middle_third_mm,
        client_age_years=client_age_years,
        hair_share=hair_share_of_faces(plan.head, plan.views) if registered else None,
        face=face_reference_from_views(plan.views),
    )
    if outlines is not None and entries is not None:
        try:
            drawn = outline_zones(plan.head, plan.views, entries, first_zone_id=len(design.zones))
        except PlanValidationError as exc:
            raise PlanValidationError(f"{outlines}: {exc}") from exc
        design = dataclasses.replace(design, zones=design.zones + drawn)
    chart = scalp_chart(plan.head)
    findings = check_design(plan.head, design, chart=chart)
    errors = [f.message for f in findings if f.severity == "error"]
    if errors:
        raise PlanValidationError("the design fails its checks: " + "; ".join(errors))
    plan = _with_defaults(plan, "design", design=design, pattern=None, sessions=())
    _remove_outputs_after(out_dir, "head")  # the earlier design's pictures too
    _write_design_pictures(out_dir, plan, chart)
    save_plan(plan, out_dir)
    return plan, findings, stage


def run_edit(
    out_dir: Path,
    *,
    point_moves: Sequence[tuple[int, tuple[float, float]]] = (),
    densities: Mapping[str, float] | None = None,
    dot_diameters: Mapping[str, float] | None = None,
    impressions_per_fu: Mapping[str, float] | None = None,
    whorl_move_mm: tuple[float, float] | None = None,
    band_width_mm: float | None = None,
) -> tuple[Plan, tuple[DesignFinding, ...]]:
    """Edit the plan's design in millimetres, check it and write it with its pictures.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``design``.
    point_moves : sequence of (int, (float, float)), optional
        Hairline control points to move, each by (Δu to the client's left, Δv forward) mm
        in the scalp chart, in order.
    densities : mapping of str to float, optional
        New target impressions per cm² by zone name.
    dot_diameters : mapping of str to float, optional
        New healed dot diameters by zone name, millimetres.
    impressions_per_fu : mapping of str to float, optional
        New impressions per follicular unit by zone name.
    whorl_move_mm : (float, float), optional
        Move of the crown's whorl in the scalp chart, millimetres.
    band_width_mm : float, optional
        New depth of the hairline band, millimetres.

    Returns
    -------
    Plan
        The updated plan, also written; its pattern and sessions are cleared (they belonged
        to the earlier design).
    tuple of DesignFinding
        The checks' warnings.

    Raises
    ------
    PlanValidationError
        If an edit is impossible (no such point or zone, off the scalp, not positive) or a
        check finds an error; nothing is written then.
    """
    plan = _load_after(out_dir, "edit", "design")
    assert plan.head is not None and plan.design is not None
    chart = scalp_chart(plan.head)
    design = plan.design
    for index, delta in point_moves:
        design = move_control_point(plan.head, design, index, delta, chart=chart)
    for name, value in (densities or {}).items():
        design = set_zone_target(design, name, density_per_cm2=value)
    for name, value in (dot_diameters or {}).items():
        design = set_zone_target(design, name, dot_diameter_mm=value)
    for name, value in (impressions_per_fu or {}).items():
        design = set_zone_target(design, name, impressions_per_fu=value)
    if whorl_move_mm is not None:
        design = move_whorl(plan.head, design, whorl_move_mm, chart=chart)
    if band_width_mm is not None:
        design = dataclasses.replace(design, band_width_mm=band_width_mm)
    findings = check_design(plan.head, design, chart=chart)
    errors = [f.message for f in findings if f.severity == "error"]
    if errors:
        raise PlanValidationError("the edited design fails its checks: " + "; ".join(errors))
    plan = dataclasses.replace(plan, design=design, pattern=None, sessions=())
    _remove_outputs_after(out_dir, "head")
    _write_design_pictures(out_dir, plan, chart)
    save_plan(plan, out_dir)
    return plan, findings


def _read_outlines(path: Path) -> list[dict[str, object]]:
    """The entries of an outlines file, or a PlanValidationError naming what is wrong."""
    try:
        doc = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise PlanValidationError(f"{path}: cannot read the outlines file: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanValidationError(f"{path}: not a JSON outlines file: {exc}") from exc
    entries = doc.get("outlines") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise PlanValidationError(f'{path}: expected {{"outlines": [{{...}}, ...]}}')
    return entries


def run_pattern(out_dir: Path) -> tuple[Plan, PatternReport]:
    """Synthesise the impressions of the design.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``design``.

    Returns
    -------
    plan : Plan
        The updated plan, also written.
    report : PatternReport
        What the pattern measures (also written to ``pattern/statistics.json`` with the
        density heat map, the hairline close-up and the g(r) plot).
    """
    plan = _load_after(out_dir, "pattern", "design")
    assert plan.head is not None and plan.design is not None
    design = plan.design
    chart = scalp_chart(plan.head)
    density_map = fu_density_map(plan.head, design, chart=chart)
    rng = _rng(plan, "pattern")
    units = follicular_units(plan.head, density_map, rng=rng)
    pattern = impressions_of_units(plan.head, design, units, rng=rng)
    plan = _with_defaults(plan, "pattern", pattern=pattern, sessions=())
    save_plan(plan, out_dir)
    _remove_outputs_after(out_dir, "pattern")
    report = pattern_report(design, density_map, units, pattern)
    _write_pattern_pictures(out_dir, plan, chart, units, report)
    return plan, report


def _skin_rgb(plan: Plan) -> tuple[int, int, int]:
    """The client's measured skin colour (the first photo's), or the renders' skin tone."""
    if not plan.views:
        return tuple(round(255 * c) for c in SKIN_RGB)  # type: ignore[return-value]
    lab = np.array([[plan.views[0].skin_lab]], dtype=np.float32)
    rgb = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)[0, 0]
    return tuple(round(255 * float(np.clip(c, 0, 1))) for c in rgb)  # type: ignore[return-value]


def _write_pattern_pictures(
    out_dir: Path, plan: Plan, chart: ScalpChart, units: FollicularUnits, report: PatternReport
) -> None:
    """Write ``pattern/statistics.json``, ``density.png``, ``hairline-closeup.png``, g(r)."""
    assert plan.head is not None and plan.design is not None and plan.pattern is not None
    folder = out_dir / "pattern"
    folder.mkdir(exist_ok=True)
    text = json.dumps(report.as_json(), indent=1, allow_nan=False) + "\n"
    write_bytes_atomic(folder / "statistics.json", text.encode("utf-8"))
    heat = density_heat_map(plan.head, plan.design, units.centres_mm, chart)
    write_bytes_atomic(folder / "density.png", _png_bytes(heat))
    close_up = hairline_close_up(plan.head, plan.design, plan.pattern, _skin_rgb(plan), chart=chart)
    write_bytes_atomic(folder / "hairline-closeup.png", _png_bytes(close_up))
    plot = pair_correlation_plot(
        report.edges,
        {"follicular units": report.g_units, "impressions": report.g_impressions},
    )
    write_bytes_atomic(folder / "pair-correlation.png", _png_bytes(plot))


def run_sessions(
    out_dir: Path,
    *,
    session_count: int | None = None,
    start: dt.date | None = None,
    catalogue: Path | None = None,
    hair_lab: tuple[float, float, float] | None = None,
    edits: Mapping[str, float] | None = None,
) -> Plan:
    """Split the impressions into sessions, choose the shades, write schedule and aftercare.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``pattern``.
    session_count : int, optional
        Number of sessions, 1–7 (default ``session_count``; the protocol is 2–4).
    start : datetime.date, optional
        Date of session 1: gives date windows, pigment lots and the aftercare calendar.
    catalogue : Path, optional
        Pigment catalogue file (default: the example catalogue in the package).
    hair_lab : tuple of float, optional
        The client's hair colour, CIELAB, where the photos did not measure it (or to
        override them).
    edits : mapping of str to float, optional
        Named defaults of this stage to change for this client (kept in the plan).

    Returns
    -------
    Plan
        The updated plan, also written, with ``sessions/sessions.json``,
        ``sessions/shade-and-fading.png`` and, with a start date, ``sessions/aftercare.txt``
        and ``sessions/aftercare.ics``.

    Raises
    ------
    PlanValidationError
        If an edit names a default that is not this stage's.
    CatalogueError
        If the catalogue cannot be read.
    """
    plan = _load_after(out_dir, "sessions", "pattern")
    assert plan.pattern is not None
    plan = _with_edits(plan, "sessions", edits or {})
    assert plan.pattern is not None
    count = session_count or int(plan.default_value("session_count"))
    if not 1 <= count <= 7:
        raise PlanValidationError(f"session_count must be 1–7, got {count}")
    pigments = load_catalogue(catalogue)
    model = _from_defaults(OpticalModel, plan)
    settings = _from_defaults(SessionSettings, plan)
    shares = cumulative_shares(
        count,
        first_share=plan.default_value("first_session_share"),
        second_share=plan.default_value("second_session_share"),
    )
    pattern = split_sessions(
        plan.pattern, shares=shares, min_spacing_mm=plan.default_value("session_min_spacing_mm")
    )
    skin, hair = _client_colours(plan, hair_lab)
    steps = dilution_steps(plan.default_value("max_dilution_water_parts"))
    last_day = (
        None if start is None else start + dt.timedelta(days=day_windows(count, settings)[-1][1])
    )
    shades = (
        None
        if hair is None
        else session_shades(
            count, pigments, skin, hair, model, settings=settings, on=last_day, dilutions=steps
        )
    )
    sessions = session_plans(
        pattern, shades=shades, catalogue=pigments, start=start, settings=settings
    )
    plan = _with_defaults(
        plan, "sessions", pattern=pattern, sessions=sessions, touch_ups=(), revisions=()
    )
    save_plan(plan, out_dir)
    _remove_outputs_after(out_dir, "sessions")
    _write_session_files(out_dir, plan, pigments, model)
    return plan


def _with_edits(plan: Plan, stage: str, edits: Mapping[str, float]) -> Plan:
    """The plan with some of a stage's named defaults edited (validated by name)."""
    allowed = set(_STAGE_DEFAULTS[stage])
    wrong = sorted(set(edits) - allowed)
    if wrong:
        raise PlanValidationError(
            f"{', '.join(wrong)}: not a default of the {stage} stage; editable here: "
            f"{', '.join(sorted(allowed))}"
        )
    if not edits:
        return plan
    return dataclasses.replace(plan, edited_defaults={**plan.edited_defaults, **edits})


def _client_colours(
    plan: Plan, hair_lab: tuple[float, float, float] | None
) -> tuple[tuple[float, float, float], tuple[float, float, float] | None]:
    """Skin colour (the first photo's) and hair colour (given, else the first measured)."""
    if not plan.views:
        raise PlanValidationError("the plan has no analysed photo, so no skin colour")
    measured = [v.hair_lab for v in plan.views if v.hair_lab is not None]
    return plan.views[0].skin_lab, hair_lab or (measured[0] if measured else None)


def session_document(
    plan: Plan, catalogue: PigmentCatalogue, model: OpticalModel
) -> dict[str, object]:
    """The session plan as a JSON-ready document (``sessions/sessions.json``).

    Parameters
    ----------
    plan : Plan
        A plan after ``sessions``.
    catalogue : PigmentCatalogue
        For pigment names, makers and stock colours.
    model : OpticalModel
        The dot model the shades were chosen with.

    Returns
    -------
    dict
        Sessions (counts, shares, spacing, shade, dilution, lot, needle, hours, windows),
        the healed look of each session's dot (fresh and healed diameter and colour), the
        fading table for 10 years, the touch-up forecast, touch-ups, revisions, the model's
        parameters (each marked sourced or unsourced) and the client-facing facts.
    """
    assert plan.pattern is not None
    skin = plan.views[0].skin_lab
    years = np.arange(0, FADING_YEARS + 1, dtype=np.float64)
    shrink = plan.default_value("healed_dot_shrink")
    spread = plan.default_value("dot_spread_mm_per_year")
    sessions = []
    for s in plan.sessions:
        rows = plan.pattern.session == s.index
        healed_mm = float(np.median(plan.pattern.dot_diameter_mm[rows])) if rows.any() else None
        entry: dict[str, object] = dataclasses.asdict(s)
        if s.pigment_id is not None and healed_mm is not None:
            pigment = catalogue.pigment(s.pigment_id)
            entry["pigment"] = {"name": pigment.name, "maker": pigment.maker}
            fresh = dot_lab(pigment.base_lab, s.dilution_water_parts, skin, model, healed=False)
            faded = dot_lab(pigment.base_lab, s.dilution_water_parts, skin, model, years=years)
            entry["look"] = {
                "fresh": {
                    "diameter_mm": round(
                        float(dot_diameter_mm(healed_mm, healed=False, shrink=shrink)), 3
                    ),
                    "lab": [round(float(v), 2) for v in fresh],
                },
                "healed": {"diameter_mm": round(healed_mm, 3), "lab": list(s.healed_lab or ())},
                "years": [
                    {
                        "year": int(y),
                        "diameter_mm": round(
                            float(dot_diameter_mm(healed_mm, years=y, spread_mm_per_year=spread)), 3
                        ),
                        "lab": [round(float(v), 2) for v in lab],
                    }
                    for y, lab in zip(years, faded, strict=True)
                ],
            }
        sessions.append(entry)
    return {
        "format": "smpstudio.sessions",
        "format_version": 1,
        "sessions": sessions,
        "touch_up_forecast": _touch_up_forecast(plan, catalogue, model),
        "touch_ups": [
            {
                **{k: v for k, v in dataclasses.asdict(t).items() if k != "impression_ids"},
                "impressions": len(t.impression_ids),
            }
            for t in plan.touch_ups
        ],
        "revisions": [dataclasses.asdict(r) for r in plan.revisions],
        "model": {
            field_name: {
                "default": name,
                "value": getattr(model, field_name),
                "source": DEFAULTS[name].source or "unsourced",
            }
            for field_name, name in OPTICAL_DEFAULT_NAMES.items()
        },
        "client_facts": client_facts_text().splitlines(),
    }


FADING_YEARS = 10
"""Years the fading table and figure cover."""
TOUCH_UP_CONSENSUS_YEARS = (2.0, 6.0)
"""Touch-up intervals practitioners report (``domain.md`` §6.5, consensus range)."""
SUN_EXPOSURES = {"little sun (0.5)": 0.5, "average sun (1)": 1.0, "much sun (2)": 2.0}
"""Sun exposures the forecast shows, by label."""


def _final_shade(
    plan: Plan, catalogue: PigmentCatalogue
) -> tuple[Shade, tuple[float, float, float]] | None:
    """The final session's shade and its pigment's stock colour (None: no pigment chosen)."""
    final = plan.sessions[-1] if plan.sessions else None
    if final is None or final.pigment_id is None or final.healed_lab is None:
        return None
    shade = Shade(
        final.pigment_id,
        final.dilution_water_parts,
        final.healed_lab,
        final.target_lab,
        final.delta_e00,
    )
    return shade, catalogue.pigment(final.pigment_id).base_lab


def _touch_up_forecast(
    plan: Plan, catalogue: PigmentCatalogue, model: OpticalModel
) -> list[dict[str, object]]:
    """Touch-up due dates of the final session's shade, per sun exposure."""
    final = _final_shade(plan, catalogue)
    if final is None:
        return []
    shade, base = final
    last = plan.sessions[-1]
    healed_on = None
    if last.date_window is not None:
        healed_on = dt.date.fromisoformat(last.date_window[1]) + dt.timedelta(
            days=int(plan.default_value("aftercare_healing_days"))
        )
    out = []
    for label, sun in SUN_EXPOSURES.items():
        due = touch_up_due_years(
            shade,
            base,
            plan.views[0].skin_lab,
            model,
            sun_exposure=sun,
            threshold_delta_e00=plan.default_value("touch_up_delta_e00"),
        )
        date = None
        if due is not None and healed_on is not None:
            date = (healed_on + dt.timedelta(days=round(365.25 * due))).isoformat()
        low, high = TOUCH_UP_CONSENSUS_YEARS
        out.append(
            {
                "sun": label,
                "sun_exposure": sun,
                "years": due,
                "date": date,
                "within_consensus": due is not None and low <= due <= high,
            }
        )
    return out


def _write_session_files(
    out_dir: Path, plan: Plan, catalogue: PigmentCatalogue, model: OpticalModel
) -> None:
    """Write ``sessions/``: the session plan, the figure, and the aftercare text and calendar."""
    folder = out_dir / "sessions"
    folder.mkdir(exist_ok=True)
    for stale in ("aftercare.txt", "aftercare.ics"):
        (folder / stale).unlink(missing_ok=True)
    doc = session_document(plan, catalogue, model)
    text = json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    write_bytes_atomic(folder / "sessions.json", text.encode("utf-8"))
    skin = plan.views[0].skin_lab
    fading: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    due: dict[str, float | None] = {}
    final = _final_shade(plan, catalogue)
    if final is not None:
        shade, base = final
        years = np.linspace(0.0, float(FADING_YEARS), 121)
        for item in doc["touch_up_forecast"]:  # type: ignore[attr-defined]
            label, sun = item["sun"], item["sun_exposure"]
            fading[label] = (
                years,
                fading_delta_e(shade, base, skin, model, years, sun_exposure=sun),
            )
            due[label] = item["years"]
    if not fading:
        fading["no shade"] = (np.array([0.0, float(FADING_YEARS)]), np.zeros(2))
    figure = session_figure(
        plan.sessions,
        skin,
        fading,
        threshold_delta_e00=plan.default_value("touch_up_delta_e00"),
        due_years=due,
    )
    write_bytes_atomic(folder / "shade-and-fading.png", _png_bytes(figure))
    if all(s.date_window is not None for s in plan.sessions):
        windows = [
            (dt.date.fromisoformat(s.date_window[0]), dt.date.fromisoformat(s.date_window[1]))
            for s in plan.sessions
            if s.date_window is not None
        ]
        days = aftercare_days(
            [first for first, _ in windows], aftercare_instructions(plan.default_value)
        )
        header = (
            "SMP aftercare. Dates assume each session on the first day of its window; if a "
            "session moves, print this sheet again.\n\n"
        )
        sheet = header + client_facts_text() + "\n" + aftercare_text(days)
        write_bytes_atomic(folder / "aftercare.txt", sheet.encode("utf-8"))
        write_bytes_atomic(folder / "aftercare.ics", aftercare_ics(days, windows))


def run_follow_up(
    out_dir: Path,
    photo: Path,
    *,
    date: dt.date,
    sessions_done: int,
    catalogue: Path | None = None,
) -> Plan:
    """Measure healed sessions on a follow-up photo and revise the remaining sessions.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``sessions``.
    photo : Path
        A frontal follow-up photo (the face registers it to the head) that resolves the
        healed dots.
    date : datetime.date
        Day the photo was taken.
    sessions_done : int
        Sessions done and healed when it was taken.
    catalogue : Path, optional
        Pigment catalogue (default: the example catalogue in the package).

    Returns
    -------
    Plan
        The plan with the remaining sessions' shades revised, a revision recorded and, where
        units did not show, a re-pigment list for the next session; also written, with
        ``sessions/`` refreshed and the photo copied to ``photos/follow-up-<date>``.

    Raises
    ------
    ImageReadError, NoFaceFoundError
        If the photo cannot be read or shows no face.
    PlanValidationError
        If the photo does not resolve the dots, or the sessions name no pigment.
    """
    plan = _load_after(out_dir, "follow-up", "sessions")
    assert plan.pattern is not None and plan.head is not None
    front = [v for v in plan.views if v.landmarks_px is not None and v.mm_per_px is not None]
    if not front:
        raise PlanValidationError("the plan has no frontal photo to take the face's scale from")
    ref = front[0]
    assert ref.landmarks_px is not None and ref.mm_per_px is not None
    interpupillary = float(np.hypot(*(ref.landmarks_px[1] - ref.landmarks_px[0]))) * ref.mm_per_px
    image, sha = read_photo(photo)
    view = analyse_photo(
        image,
        name=f"follow-up-{date.isoformat()}",
        image_file=f"photos/follow-up-{date.isoformat()}{photo.suffix.lower()}",
        image_sha256=sha,
        interpupillary_mm=interpupillary,
        focal=photo_focal(photo, image.shape[1], image.shape[0]),
        view_kind="front",
    )
    view = register_frontal_view(view, interpupillary_mm=interpupillary)
    measurement = measure_follow_up(
        image, view, plan.head, plan.pattern, sessions_done=sessions_done
    )
    pigments = load_catalogue(catalogue)
    sessions, repeat, revision = revise_sessions(
        plan.sessions,
        plan.pattern,
        measurement,
        catalogue=pigments,
        model=_from_defaults(OpticalModel, plan),
        skin_lab=plan.views[0].skin_lab,
        sessions_done=sessions_done,
        date=date,
        view_name=view.name,
        max_water_parts=plan.default_value("max_dilution_water_parts"),
    )
    plan = dataclasses.replace(
        plan,
        sessions=sessions,
        touch_ups=plan.touch_ups + ((repeat,) if repeat is not None else ()),
        revisions=(*plan.revisions, revision),
    )
    (out_dir / "photos").mkdir(exist_ok=True)
    shutil.copyfile(photo, out_dir / view.image_file)
    save_plan(plan, out_dir)
    _remove_outputs_after(out_dir, "sessions")
    _write_session_files(out_dir, plan, pigments, _from_defaults(OpticalModel, plan))
    return plan


def run_touch_up(
    out_dir: Path, *, date: dt.date, zone: str | None = None, catalogue: Path | None = None
) -> Plan:
    """Plan a touch-up: existing impressions pigmented again, the partition unchanged.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``sessions``.
    date : datetime.date
        Planned day.
    zone : str, optional
        Only the impressions of this design zone (default all).
    catalogue : Path, optional
        Pigment catalogue, for a lot good on ``date``.

    Returns
    -------
    Plan
        The plan with one more touch-up (the final session's pigment and dilution), written.

    Raises
    ------
    PlanValidationError
        If the zone is unknown.
    """
    plan = _load_after(out_dir, "touch-up", "sessions")
    assert plan.pattern is not None and plan.design is not None
    rows = np.arange(len(plan.pattern))
    if zone is not None:
        ids = {z.name: z.zone_id for z in plan.design.zones}
        if zone not in ids:
            raise PlanValidationError(f"no zone '{zone}' in the design (has: {', '.join(ids)})")
        rows = rows[plan.pattern.zone_id == ids[zone]]
    final = plan.sessions[-1]
    lot = None
    if final.pigment_id is not None:
        found = load_catalogue(catalogue).usable_lot(final.pigment_id, date)
        lot = None if found is None else found.lot
    touch_up = TouchUp(
        date=date.isoformat(),
        impression_ids=rows.astype(np.int64),
        pigment_id=final.pigment_id,
        pigment_lot=lot,
        dilution_water_parts=final.dilution_water_parts,
        reason="fading: touch-up" + ("" if zone is None else f" of zone {zone}"),
    )
    plan = dataclasses.replace(plan, touch_ups=(*plan.touch_ups, touch_up))
    save_plan(plan, out_dir)
    _write_session_files(
        out_dir, plan, load_catalogue(catalogue), _from_defaults(OpticalModel, plan)
    )
    return plan


def read_questionnaire(path: Path) -> Questionnaire:
    """Read a suitability questionnaire from JSON (field names of :class:`Questionnaire`).

    Raises
    ------
    PlanFormatError
        If the file is not JSON, names an unknown field, or holds a wrong value; the
        message names the field.
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFormatError(path, "<document>", f"not a readable JSON file: {exc}") from exc
    if not isinstance(doc, dict):
        raise PlanFormatError(path, "<document>", "must be a JSON object")
    fields = {f.name: f for f in dataclasses.fields(Questionnaire)}
    for name in doc:
        if name not in fields:
            raise PlanFormatError(path, name, f"unknown question; known: {', '.join(fields)}")
    answers: dict[str, object] = {}
    for name, value in doc.items():
        try:
            if name.endswith(("_ended", "_last_change", "_last_dose", "date_of_birth")):
                answers[name] = None if value is None else dt.date.fromisoformat(value)
            elif name in ("active_scalp_conditions", "medications"):
                answers[name] = tuple(value)
            else:
                answers[name] = value
        except (TypeError, ValueError) as exc:
            raise PlanFormatError(path, name, str(exc)) from exc
    try:
        return Questionnaire(**answers)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise PlanFormatError(path, "<document>", str(exc)) from exc


def _png_bytes(image: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    if not ok:
        raise RuntimeError("PNG encoding failed")
    return bytes(encoded)


def run_preview(
    out_dir: Path,
    *,
    stubble_mm: float | None = None,
    keep_hair: bool = False,
    catalogue: Path | None = None,
    edits: Mapping[str, float] | None = None,
) -> list[Path]:
    """Write the preview pictures into ``out_dir/preview``.

    Per registered photo: ``<photo>.png`` (where the dots fall, enlarged) and, once the
    sessions are planned, ``<photo>-before.png`` / ``-after.png`` (a slider pair),
    ``-before-after.png``, ``-sessions.png``, ``-fresh.png``, ``-healed-1y.png`` and
    ``-healed-5y.png``; then ``hairline-macro.png``, ``turntable.png`` and
    ``contact-sheet.png``.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``pattern`` (the realistic pictures need ``sessions`` too).
    stubble_mm : float, optional
        Length the remaining hair is clipped to, mm (default ``preview_stubble_mm``).
    keep_hair : bool, optional
        Keep long hair (diffuse thinning): dots show only between hairs.
    catalogue : Path, optional
        Pigment catalogue the sessions were planned with (default the bundled example).
    edits : mapping of str to float, optional
        Named defaults of the preview edited (``dot_optical_gain``, ...), kept in the plan.

    Returns
    -------
    list of Path
        The PNG files written (photos without a registered camera are skipped).

    Raises
    ------
    ImageReadError
        If a photo copy in the plan folder is missing or was changed.
    PlanValidationError
        If the stubble length is negative.
    """
    loaded = _load_after(out_dir, "preview", "pattern")
    plan = _with_edits(_with_defaults(loaded, "preview"), "preview", edits or {})
    stubble = plan.default_value("preview_stubble_mm") if stubble_mm is None else stubble_mm
    if not stubble >= 0:
        raise PlanValidationError(f"stubble length must be ≥ 0 mm, got {stubble}")
    render = _from_defaults(RenderModel, plan)
    if plan.defaults_used != loaded.defaults_used or plan.edited_defaults != loaded.edited_defaults:
        save_plan(plan, out_dir)
    assert plan.pattern is not None and plan.head is not None
    folder = out_dir / "preview"
    folder.mkdir(exist_ok=True)
    realistic = bool(plan.sessions) and plan.design is not None
    look = PreviewLook(stubble, keep_hair=keep_hair)
    dots = PlannedDots(
        plan.pattern,
        plan.sessions,
        load_catalogue(catalogue),
        _from_defaults(OpticalModel, plan),
        render,
        plan.seed,
    )
    written: list[Path] = []
    sheet: dict[str, np.ndarray] = {}

    def write(name: str, image: np.ndarray) -> None:
        path = folder / f"{name}.png"
        write_bytes_atomic(path, _png_bytes(image))
        written.append(path)

    for view in plan.views:
        if view.camera is None:  # no face to register this photo by (top, back)
            continue
        photo = out_dir / view.image_file
        image, sha = read_photo(photo)
        if sha != view.image_sha256:
            raise ImageReadError(
                photo, "the photo changed since it was analysed; run 'smp analyse'"
            )
        write(view.name, render_preview(image, view, plan.pattern))
        if not realistic:
            continue
        assert plan.design is not None
        pictures = photo_previews(image, view, plan.head, plan.design, dots, look)
        for name, picture in pictures.items():
            write(f"{view.name}-{name}", picture)
            if name not in ("before", "after"):
                sheet[f"{view.name}: {name}"] = picture
    if realistic:
        assert plan.design is not None
        skin = plan.views[0].skin_lab
        sheet["hairline macro"] = hairline_macro(plan.head, plan.design, dots, skin)
        sheet["turntable"] = healed_turntable(plan.head, dots, skin)
        write("hairline-macro", sheet["hairline macro"])
        write("turntable", sheet["turntable"])
        title = f"SMP Studio preview of the plan (seed {plan.seed})"
        write(
            "contact-sheet",
            contact_sheet(
                sheet,
                title=title,
                notes=[f"unsourced defaults used: {', '.join(_preview_unsourced(plan))}"],
                credit=scan_credit(plan.head),
            ),
        )
    return written


def _preview_unsourced(plan: Plan) -> list[str]:
    """``name = value unit`` of each unsourced default the preview pictures rely on."""
    names = ("preview_stubble_mm", *RENDER_DEFAULT_NAMES.values())
    return [
        f"{name} = {plan.default_value(name):g} {DEFAULTS[name].unit}"
        + (" (edited)" if name in plan.edited_defaults else "")
        for name in names
        if DEFAULTS[name].is_unsourced
    ]


def _plan_id(out_dir: Path) -> str:
    return str(json.loads((out_dir / PLAN_FILE_NAME).read_text("utf-8"))["arrays"]["sha256"])


def _session_stem(index: int) -> str:
    return f"session-{index + 1}"


def _executed_path(out_dir: Path, index: int) -> Path:
    return out_dir / "programs" / f"executed-{_session_stem(index)}.json"


def _healed_before(out_dir: Path, index: int) -> PointsMM | None:
    """Positions fired in earlier sessions, from their reconciled logs (None: no log yet)."""
    found = []
    for k in range(index):
        path = _executed_path(out_dir, k)
        if path.is_file():
            doc = json.loads(path.read_text("utf-8"))
            found.append(np.asarray(doc["executed_mm"], dtype=np.float64).reshape(-1, 3))
    return np.concatenate(found) if found else None


def _program_files(stem: str, program: Program, plan: Plan, chart: ScalpChart) -> dict[str, bytes]:
    """The files of one program: JSON, CSV, G-code, 5-axis G-code and the tour chart."""
    assert plan.head is not None and plan.design is not None
    path_mm = program.ordering.get("path_mm", 0.0)
    duration = estimate_duration(program)
    caption = (
        f"{stem}: {len(program)} impressions, {int(program.redip_before.sum())} re-dips, "
        f"path {path_mm / 1000:.1f} m "
        f"(one tour {program.ordering.get('tour_mm', 0.0) / 1000:.1f} m), "
        f"about {duration.total_s / 60:.0f} min of machine time"
    )
    chart_png = tour_chart(
        plan.head,
        plan.design,
        chart,
        program.positions_mm,
        program.redip_before,
        caption=caption,
        direct_travel_mm=DIRECT_TRAVEL_MM,
    )
    return {
        f"{stem}.json": write_program_json(program),
        f"{stem}.csv": write_program_csv(program).encode("utf-8"),
        f"{stem}.gcode": write_program_gcode(program).encode("utf-8"),
        f"{stem}.5axis.nc": write_program_five_axis(program).encode("utf-8"),
        f"{stem}-tour.png": _png_bytes(chart_png),
    }


def run_program(
    out_dir: Path,
    *,
    force: bool = False,
    depth_by_zone_mm: Mapping[str, float] | None = None,
    zone_order: Sequence[str] = (),
    needle_configuration: str = "1RL",
    edits: Mapping[str, float] | None = None,
) -> list[Path]:
    """Write one safety-checked device program per session into ``out_dir/programs``.

    Each session gets ``session-<k>.json`` (the reference format), ``.csv``, ``.gcode``
    (XYZ + IJK), ``.5axis.nc`` (the reference B/C machine) and ``-tour.png``. Each program
    is judged by the safety validator as read back from its JSON file.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``sessions``.
    force : bool, optional
        Write programs that fail the safety check, with their violations recorded inside.
    depth_by_zone_mm : mapping of str to float, optional
        Needle depth setting per zone name, millimetres (others: the session's).
    zone_order : sequence of str, optional
        Zone names to execute first, in order.
    needle_configuration : str, optional
        ``"1RL"`` or ``"3RL"``.
    edits : mapping of str to float, optional
        Named defaults of the program edited (``program_min_step_mm``, ...), kept in the plan.

    Returns
    -------
    list of Path
        Files written, session by session.

    Raises
    ------
    ProgramSafetyError
        If a program breaks a safety rule and ``force`` is False (nothing is written).
    PlanValidationError
        If a zone name or an edited default is wrong.
    """
    loaded = _load_after(out_dir, "program", "sessions")
    plan = _with_edits(_with_defaults(loaded, "program"), "program", edits or {})
    assert plan.pattern is not None and plan.head is not None and plan.design is not None
    settings = ProgramSettings.for_plan(
        plan,
        depth_by_zone_mm=depth_by_zone_mm,
        zone_order=tuple(zone_order),
        needle_configuration=needle_configuration,
    )
    limits = _from_defaults(SafetyLimits, plan)
    plan_id = _plan_id(out_dir)
    files: dict[str, bytes] = {}
    problems: list[str] = []
    chart = scalp_chart(plan.head)
    folder = out_dir / "programs"
    for session in plan.sessions:
        program, _ = build_program(
            plan,
            session,
            settings,
            plan_id=plan_id,
            healed_mm=_healed_before(out_dir, session.index),
        )
        as_read = read_program_json(write_program_json(program))
        found = [str(v) for v in program_violations(as_read, plan.head, plan.design, limits)]
        if found:
            problems += [f"{_session_stem(session.index)}: {v}" for v in found]
            program = dataclasses.replace(program, violations=tuple(found))
        files |= _program_files(_session_stem(session.index), program, plan, chart)
    if problems and not force:
        raise ProgramSafetyError(problems)
    if plan.defaults_used != loaded.defaults_used or plan.edited_defaults != loaded.edited_defaults:
        save_plan(plan, out_dir)
    folder.mkdir(exist_ok=True)
    written = []
    for name, data in files.items():
        write_bytes_atomic(folder / name, data)
        written.append(folder / name)
    return written


def _session_program(out_dir: Path, session_number: int) -> tuple[Plan, Program]:
    """The plan and the written program of session ``session_number`` (1-based)."""
    plan = _load_after(out_dir, "program", "sessions")
    path = out_dir / "programs" / f"session-{session_number}.json"
    if not 1 <= session_number <= len(plan.sessions):
        raise PlanValidationError(
            f"session must be in 1..{len(plan.sessions)}, got {session_number}"
        )
    if not path.is_file():
        raise StageOrderError("program log", "program", out_dir)
    return plan, read_program_json(path.read_bytes())


def run_execution_log(
    out_dir: Path, session_number: int, log_path: Path
) -> tuple[Reconciliation, Path]:
    """Import a device's as-executed log of a session and reconcile it with the program.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``program``.
    session_number : int
        1-based session.
    log_path : Path
        The device's CSV log (columns ``smpstudio.program.LOG_COLUMNS``).

    Returns
    -------
    reconciliation : Reconciliation
        Done, skipped, pending, repeated, off-target.
    path : Path
        ``programs/executed-session-<k>.json``; later sessions' programs avoid the
        impressions fired here (within the registration tolerance). The log is kept
        beside it as ``programs/device-log-session-<k>.csv``.

    Raises
    ------
    PlanValidationError
        If the log is malformed or the session does not exist.
    """
    _, program = _session_program(out_dir, session_number)
    try:
        text = log_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanValidationError(f"execution log {log_path}: cannot read it: {exc}") from exc
    found = reconcile_log(program, read_execution_log(text))
    kept = out_dir / "programs" / f"device-log-{_session_stem(program.session_index)}.csv"
    if log_path.resolve() != kept.resolve():
        write_bytes_atomic(kept, text.encode("utf-8"))
    doc = {
        "session_index": program.session_index,
        "plan_id": program.plan_id,
        "log_file": kept.name,
        "counts": {
            "done": len(found.done),
            "skipped": len(found.skipped),
            "pending": len(found.pending),
            "repeated": len(found.repeated),
            "off_target": len(found.off_target),
            "unknown_rows": len(found.unknown_rows),
        },
        "skipped": found.skipped.tolist(),
        "repeated": found.repeated.tolist(),
        "off_target": found.off_target.tolist(),
        "unknown_rows": found.unknown_rows.tolist(),
        "resume_from": found.resume_from,
        "executed_mm": found.executed_mm.tolist(),
    }
    path = _executed_path(out_dir, program.session_index)
    write_bytes_atomic(path, (json.dumps(doc) + "\n").encode("utf-8"))
    return found, path


def run_resume(
    out_dir: Path, session_number: int, from_instruction: int | None = None
) -> list[Path]:
    """Write the rest of a session's program after an interruption.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``program``.
    session_number : int
        1-based session.
    from_instruction : int, optional
        First instruction to run (0-based); default where the imported log says to resume.

    Returns
    -------
    list of Path
        ``programs/resume/session-<k>-from-<i>.*`` in every format, and its tour chart.

    Raises
    ------
    PlanValidationError
        If no instruction is given and no log was imported, or nothing is left to do.
    """
    plan, program = _session_program(out_dir, session_number)
    assert plan.head is not None
    if from_instruction is None:
        path = _executed_path(out_dir, program.session_index)
        if not path.is_file():
            raise PlanValidationError(
                "give the instruction to resume from, or import the device log first "
                "('smp program-log')"
            )
        from_instruction = json.loads(path.read_text("utf-8"))["resume_from"]
        if from_instruction is None:
            raise PlanValidationError(
                f"session {session_number}: the log shows every instruction done"
            )
    rest = resume_program(program, from_instruction)
    stem = f"session-{session_number}-from-{from_instruction}"
    folder = out_dir / "programs" / "resume"
    files = _program_files(stem, rest, plan, scalp_chart(plan.head))
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_bytes_atomic(folder / name, data)
    return [folder / name for name in files]


REPLAY_DIFF_LEVEL = 6
"""Change of a colour channel (0–255) at which the replay picture marks a pixel as differing."""


def run_replay(
    out_dir: Path, session_number: int, *, catalogue: Path | None = None
) -> tuple[ProgramDuration, Path]:
    """Replay a session's program: its duration, and what it deposits next to the plan.

    With an imported device log the deposit is what the log reports; otherwise the
    program as written. The picture renders both through the healed preview on the first
    registered photo, with a third panel where they differ.

    Parameters
    ----------
    out_dir : Path
        Plan folder after ``program``.
    session_number : int
        1-based session.
    catalogue : Path, optional
        Pigment catalogue (default the bundled example).

    Returns
    -------
    duration : ProgramDuration
        Estimated machine time.
    path : Path
        ``programs/session-<k>-replay.png``.

    Raises
    ------
    PlanValidationError
        If no photo has a registered camera.
    """
    plan, program = _session_program(out_dir, session_number)
    head = plan.head
    assert plan.pattern is not None and head is not None
    log = None
    executed = _executed_path(out_dir, program.session_index)
    source = "program as written"
    if executed.is_file():
        doc = json.loads(executed.read_text("utf-8"))
        log_file = out_dir / "programs" / doc["log_file"]
        if log_file.is_file():
            log = read_execution_log(log_file.read_text("utf-8"))
            source = f"device log {doc['log_file']}"
    view = next((v for v in plan.views if v.camera is not None), None)
    if view is None:
        raise PlanValidationError("no photo has a registered camera to replay onto")
    image, _ = read_photo(out_dir / view.image_file)
    planned_rows = np.flatnonzero(plan.pattern.session <= program.session_index)
    planned = plan.pattern.rows(planned_rows)
    deposited = deposited_pattern(plan.pattern, program, log)
    catalogue_ = load_catalogue(catalogue)
    model = _from_defaults(OpticalModel, plan)
    render = _from_defaults(RenderModel, plan)

    def healed(pattern: Pattern) -> np.ndarray:
        return healed_preview(
            image,
            view,
            head,
            pattern,
            plan.sessions,
            catalogue_,
            model,
            sessions_done=program.session_index + 1,
            seed=plan.seed,
            render=render,
        )

    want, got = healed(planned), healed(deposited)
    diff = np.abs(want.astype(np.int16) - got.astype(np.int16)).max(axis=2)
    marked = want.copy()
    marked[cv2.dilate((diff > REPLAY_DIFF_LEVEL).astype(np.uint8), np.ones((5, 5))) > 0] = (
        255,
        0,
        0,
    )
    duration = estimate_duration(program)
    row = labelled_row(
        [(want, "planned (healed)"), (got, f"replayed: {source}"), (marked, "differences in red")],
        head_box(view, head),
    )
    picture = contact_sheet(
        {f"session {session_number} on {view.name}": row},
        title=f"Replay of session {session_number}: {len(program)} instructions, "
        f"about {duration.total_s / 60:.0f} min machine time",
        notes=[
            f"{int((diff > REPLAY_DIFF_LEVEL).sum())} pixels differ by more than "
            f"{REPLAY_DIFF_LEVEL} levels"
        ],
        credit=scan_credit(head),
    )
    path = out_dir / "programs" / f"session-{session_number}-replay.png"
    write_bytes_atomic(path, _png_bytes(picture))
    return duration, path


def write_marker_sheet(path: Path) -> Path:
    """Write the printable ArUco marker sheet as a one-page A4 PDF.

    Parameters
    ----------
    path : Path
        Destination ``.pdf`` file.

    Returns
    -------
    Path
        ``path``.
    """
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(marker_sheet()).save(
        buffer, format="PDF", resolution=25.4 * SHEET_PX_PER_MM, title="SMP Studio scale markers"
    )
    write_bytes_atomic(path, buffer.getvalue())
    return path


def run_plan(
    photos_dir: Path,
    out_dir: Path,
    *,
    seed: int = 0,
    sex: Sex = "male",
    on_stage: Callable[[str], None] | None = None,
    stages: Sequence[str] = STAGES,
    view_kinds: dict[str, str] | None = None,
    start: dt.date | None = None,
) -> Plan:
    """Run every stage from photos to device programs.

    Parameters
    ----------
    photos_dir : Path
        Folder of one client's photos.
    out_dir : Path
        Plan folder.
    seed : int, optional
        Seed; the same seed gives bit-identical outputs.
    sex : {"male", "female"}, optional
        Selects ANSUR II means.
    on_stage : callable, optional
        Called with each stage's name before it runs (progress display).
    stages : sequence of str, optional
        Stages to run, in order (default all).
    view_kinds : dict of str to str, optional
        Declared view per photo name (see :func:`run_analyse`).
    start : datetime.date, optional
        Date of session 1 (see :func:`run_sessions`).

    Returns
    -------
    Plan
        The final plan.
    """
    steps: dict[str, Callable[[], object]] = {
        "analyse": lambda: run_analyse(
            photos_dir, out_dir, seed=seed, sex=sex, view_kinds=view_kinds
        ),
        "head": lambda: run_head(out_dir, sex=sex),
        "design": lambda: run_design(out_dir, sex=sex),
        "pattern": lambda: run_pattern(out_dir),
        "sessions": lambda: run_sessions(out_dir, start=start),
        "preview": lambda: run_preview(out_dir),
        "program": lambda: run_program(out_dir),
    }
    for stage in stages:
        if on_stage is not None:
            on_stage(stage)
        steps[stage]()
    return load_plan(out_dir)
