"""Program files: versioned JSON (with a JSON Schema), CSV, G-code and a 5-axis post-processor.

Every writer has a reader, and every reader returns a :class:`Program` so that the safety
check can judge a file without the code that generated it (``docs/program-format.md``).
"""

import io
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jsonschema
import numpy as np

import smpstudio
from smpstudio._typing import FloatArray
from smpstudio.core import Program
from smpstudio.errors import PlanValidationError

PROGRAM_FORMAT_VERSION = 2
"""Version of the program formats (JSON, CSV header, G-code header)."""

_FORMAT = "smpstudio.program"
_CSV_MAGIC = f"# {_FORMAT}.csv {PROGRAM_FORMAT_VERSION}"
_GCODE_MAGIC = f"; {_FORMAT}.gcode {PROGRAM_FORMAT_VERSION}"
_FIVE_AXIS_MAGIC = f"; {_FORMAT}.5axis {PROGRAM_FORMAT_VERSION}"
_HEADER_PREFIX = "header "


def program_schema() -> dict[str, Any]:
    """The JSON Schema of the program format.

    Returns
    -------
    dict
        ``src/smpstudio/program/program.schema.json``.
    """
    text = resources.files("smpstudio.program").joinpath("program.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _header(program: Program) -> dict[str, Any]:
    return {
        "format": _FORMAT,
        "format_version": PROGRAM_FORMAT_VERSION,
        "generator": f"smpstudio {smpstudio.__version__}",
        "plan_id": program.plan_id,
        "head_surface_sha256": program.head_digest,
        "units": "mm",
        "frame": "head",
        "session_index": program.session_index,
        "needle": {
            "configuration": program.needle_configuration,
            "diameter_mm": program.needle_diameter_mm,
        },
        "pigment": {
            "id": program.pigment_id,
            "lot": program.pigment_lot,
            "dilution_water_parts": program.dilution_water_parts,
        },
        "motion": {
            "travel_feed_mm_per_min": program.travel_feed_mm_per_min,
            "plunge_feed_mm_per_min": program.plunge_feed_mm_per_min,
            "redip_seconds": program.redip_seconds,
            "safe_radius_mm": program.safe_radius_mm,
        },
        "registration": {
            "tolerance_mm": program.registration_tolerance_mm,
            "fiducials": [
                {"name": name, "position_mm": pos}
                for name, pos in zip(
                    program.fiducial_names, program.fiducials_mm.tolist(), strict=True
                )
            ],
        },
        "zones": {str(k): v for k, v in program.zone_names.items()},
        "ordering": dict(program.ordering),
        "violations": list(program.violations),
        "impression_count": len(program),
    }


def _finite_or_none(values: FloatArray) -> list[Any]:
    """Floats as a JSON-ready list, NaN and inf as null (shown in a forced export)."""
    out = np.asarray(values, dtype=np.float64).astype(object)
    out[~np.isfinite(np.asarray(values, dtype=np.float64))] = None
    listed: list[Any] = out.tolist()
    return listed


def program_document(program: Program) -> dict[str, Any]:
    """The program as a JSON-ready document (format ``smpstudio.program`` version 2).

    Parameters
    ----------
    program : Program
        The program.

    Returns
    -------
    dict
        Header and ``impressions`` as parallel columns; see ``program.schema.json``.
    """
    doc = _header(program)
    doc["impressions"] = {
        "index": program.impression_index.tolist(),
        "position_mm": _finite_or_none(program.positions_mm),
        "approach": _finite_or_none(program.approach),
        "zone_id": program.zone_id.tolist(),
        "depth_setting_mm": _finite_or_none(program.depth_setting_mm),
        "dwell_ms": _finite_or_none(program.dwell_ms),
        "hits": program.hits.tolist(),
        "clearance_mm": _finite_or_none(program.clearance_mm),
        "redip_before": program.redip_before.tolist(),
    }
    return doc


def _column(columns: dict[str, Any], name: str, dtype: type, shape: tuple[int, ...]) -> Any:
    """One column as an array of ``shape`` (JSON null becomes NaN in float columns)."""
    try:
        array: np.ndarray = np.array(columns[name], dtype=dtype)
    except (TypeError, ValueError) as err:
        raise PlanValidationError(f"column {name!r} holds a value of the wrong type") from err
    if array.size != int(np.prod(shape)):
        raise PlanValidationError(
            f"column {name!r} has {array.size} values, expected {int(np.prod(shape))} "
            f"for {shape[0]} impressions"
        )
    return array.reshape(shape)


def _program_from(header: dict[str, Any], columns: dict[str, Any]) -> Program:
    m = int(header["impression_count"])
    registration = header["registration"]
    fiducials = registration["fiducials"]
    return Program(
        session_index=int(header["session_index"]),
        plan_id=header["plan_id"],
        head_digest=header["head_surface_sha256"],
        impression_index=_column(columns, "index", np.int64, (m,)),
        positions_mm=_column(columns, "position_mm", np.float64, (m, 3)),
        approach=_column(columns, "approach", np.float64, (m, 3)),
        zone_id=_column(columns, "zone_id", np.int64, (m,)),
        depth_setting_mm=_column(columns, "depth_setting_mm", np.float64, (m,)),
        dwell_ms=_column(columns, "dwell_ms", np.float64, (m,)),
        hits=_column(columns, "hits", np.int64, (m,)),
        clearance_mm=_column(columns, "clearance_mm", np.float64, (m,)),
        redip_before=_column(columns, "redip_before", np.bool_, (m,)),
        needle_configuration=header["needle"]["configuration"],
        needle_diameter_mm=header["needle"]["diameter_mm"],
        pigment_id=header["pigment"]["id"],
        pigment_lot=header["pigment"]["lot"],
        dilution_water_parts=header["pigment"]["dilution_water_parts"],
        travel_feed_mm_per_min=header["motion"]["travel_feed_mm_per_min"],
        plunge_feed_mm_per_min=header["motion"]["plunge_feed_mm_per_min"],
        redip_seconds=header["motion"]["redip_seconds"],
        safe_radius_mm=header["motion"]["safe_radius_mm"],
        fiducial_names=tuple(f["name"] for f in fiducials),
        fiducials_mm=np.array([f["position_mm"] for f in fiducials], dtype=float).reshape(-1, 3),
        registration_tolerance_mm=registration["tolerance_mm"],
        zone_names={int(k): v for k, v in header["zones"].items()},
        ordering=header["ordering"],
        violations=tuple(header["violations"]),
    )


def _schema_for_header() -> dict[str, Any]:
    """The schema with ``impressions`` only required to be an object.

    The columns are then checked by NumPy (a schema pass over 40k rows takes seconds).
    """
    schema = program_schema()
    properties = dict(schema["properties"], impressions={"type": "object"})
    return dict(schema, properties=properties)


def _check_header(header: Any, what: str, *, with_impressions: bool = False) -> dict[str, Any]:
    schema = _schema_for_header()
    if not with_impressions:
        schema["required"] = [r for r in schema["required"] if r != "impressions"]
    try:
        jsonschema.Draft202012Validator(schema).validate(header)
    except jsonschema.ValidationError as err:
        where = "/".join(str(p) for p in err.absolute_path)
        raise PlanValidationError(
            f"{what}: does not match the program schema at {where!r}: {err.message}"
        ) from err
    checked: dict[str, Any] = header
    return checked


def write_program_json(program: Program) -> bytes:
    """The program as JSON (format version 2).

    Parameters
    ----------
    program : Program
        The program.

    Returns
    -------
    bytes
        UTF-8 JSON, one document valid against :func:`program_schema`.
    """
    return (json.dumps(program_document(program), allow_nan=False) + "\n").encode("utf-8")


def read_program_json(data: bytes | str) -> Program:
    """Parse a program JSON file (schema-checked).

    Parameters
    ----------
    data : bytes or str
        The file's content.

    Returns
    -------
    Program
        The program, exactly as written.

    Raises
    ------
    PlanValidationError
        If the text is not JSON, the header does not match the schema, or a column is
        missing, of the wrong type or length.
    """
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as err:
        raise PlanValidationError(f"program JSON is malformed: {err}") from err
    doc = _check_header(doc, "program JSON", with_impressions=True)
    missing = sorted(
        set(program_schema()["properties"]["impressions"]["required"]) - set(doc["impressions"])
    )
    if missing:
        raise PlanValidationError(f"program JSON: impressions lack the column(s) {missing}")
    try:
        return _program_from(doc, doc["impressions"])
    except (ValueError, TypeError, PlanValidationError) as err:
        raise PlanValidationError(f"program JSON columns are malformed: {err}") from err


_CSV_COLUMNS = (
    "instruction",
    "impression",
    "x_mm",
    "y_mm",
    "z_mm",
    "approach_x",
    "approach_y",
    "approach_z",
    "zone_id",
    "depth_setting_mm",
    "dwell_ms",
    "hits",
    "clearance_mm",
    "redip_before",
)


def write_program_csv(program: Program) -> str:
    """The program as CSV: a header comment, then one row per instruction.

    Parameters
    ----------
    program : Program
        The program.

    Returns
    -------
    str
        ``# smpstudio.program.csv 2``, ``# header {json}``, the column names, then rows
        with floats written to round-trip exactly.
    """
    m = len(program)
    table = np.column_stack(
        [
            np.arange(m),
            program.impression_index,
            program.positions_mm,
            program.approach,
            program.zone_id,
            program.depth_setting_mm,
            program.dwell_ms,
            program.hits,
            program.clearance_mm,
            program.redip_before.astype(int),
        ]
    )
    out = io.StringIO()
    out.write(f"{_CSV_MAGIC}\n# {_HEADER_PREFIX}{json.dumps(_header(program))}\n")
    out.write(",".join(_CSV_COLUMNS) + "\n")
    formats = ["%d", "%d"] + ["%.17g"] * 6 + ["%d", "%.17g", "%.17g", "%d", "%.17g", "%d"]
    if m:
        np.savetxt(out, table, fmt=formats, delimiter=",")
    return out.getvalue()


def _embedded_header(lines: list[str], magic: str, comment: str, what: str) -> dict[str, Any]:
    if not lines or lines[0].strip() != magic:
        raise PlanValidationError(f"{what}: first line must be {magic!r}")
    prefix = f"{comment} {_HEADER_PREFIX}"
    text = next((ln[len(prefix) :] for ln in lines[1:4] if ln.startswith(prefix)), None)
    if text is None:
        raise PlanValidationError(f"{what}: no '{prefix}...' line")
    try:
        header = json.loads(text)
    except json.JSONDecodeError as err:
        raise PlanValidationError(f"{what}: header is not JSON: {err}") from err
    return _check_header(header, what)


def read_program_csv(text: str) -> Program:
    """Parse a program CSV written by :func:`write_program_csv`.

    Parameters
    ----------
    text : str
        The file's content.

    Returns
    -------
    Program
        The program, exactly as written.

    Raises
    ------
    PlanValidationError
        If the magic line, header, column names or row count are wrong.
    """
    lines = text.splitlines()
    header = _embedded_header(lines, _CSV_MAGIC, "#", "program CSV")
    if len(lines) < 3 or lines[2].strip() != ",".join(_CSV_COLUMNS):
        raise PlanValidationError(f"program CSV: third line must name the columns {_CSV_COLUMNS}")
    body = [ln for ln in lines[3:] if ln.strip()]
    if len(body) != header["impression_count"]:
        raise PlanValidationError(
            f"program CSV: header says {header['impression_count']} impressions, "
            f"found {len(body)} rows"
        )
    try:
        table = np.loadtxt(io.StringIO("\n".join(body)), delimiter=",", ndmin=2).reshape(
            len(body), len(_CSV_COLUMNS)
        )
    except ValueError as err:
        raise PlanValidationError(f"program CSV: unreadable row: {err}") from err
    if not np.array_equal(table[:, 0], np.arange(len(body))):
        raise PlanValidationError("program CSV: instruction numbers must run 0, 1, 2, ...")
    columns = {
        "index": table[:, 1].astype(np.int64),
        "position_mm": table[:, 2:5],
        "approach": table[:, 5:8],
        "zone_id": table[:, 8].astype(np.int64),
        "depth_setting_mm": table[:, 9],
        "dwell_ms": table[:, 10],
        "hits": table[:, 11].astype(np.int64),
        "clearance_mm": table[:, 12],
        "redip_before": table[:, 13] != 0,
    }
    return _program_from(header, columns)


@dataclass(frozen=True, slots=True)
class FiveAxisMachine:
    """The reference 5-axis machine of the post-processor: a B/C head on X/Y/Z.

    Parameters
    ----------
    pivot_mm : float
        Distance from the needle tip to the rotation centre of the B/C head, mm.
    b_limit_deg : float
        Largest |B| the head reaches, degrees.

    Notes
    -----
    Machine frame (right-handed): X = head x (client's left), Y = −head z (back of the
    head), Z = head y (up). At B = C = 0 the tool axis (tip to spindle) is +Z. The head
    tilts by B about the machine Y axis, then turns by C about Z, so the tool axis is
    ``(sin B cos C, sin B sin C, cos B)``; X/Y/Z address the pivot, ``tip + pivot_mm·axis``.
    Registration (``device_from_head``) is applied before this post-processor.
    """

    pivot_mm: float = 150.0
    b_limit_deg: float = 120.0


_MACHINE_FROM_HEAD = np.array([[1.0, 0, 0], [0, 0, -1], [0, 1, 0]])


def _tool_axis_to_bc(axis: FloatArray) -> tuple[FloatArray, FloatArray]:
    """B and C (degrees) of unit tool axes, machine frame; C kept continuous along the list."""
    b = np.degrees(np.arccos(np.clip(axis[:, 2], -1.0, 1.0)))
    c_raw = np.degrees(np.arctan2(axis[:, 1], axis[:, 0]))
    c = np.zeros(len(axis))
    prev = 0.0
    for k in range(len(axis)):
        if b[k] < 1e-7:  # tool vertical: C is free, keep the last
            c[k] = prev
            continue
        c[k] = prev + ((c_raw[k] - prev + 180.0) % 360.0 - 180.0)
        prev = c[k]
    return b, c


def _bc_to_tool_axis(b_deg: FloatArray, c_deg: FloatArray) -> FloatArray:
    b, c = np.radians(b_deg), np.radians(c_deg)
    return np.column_stack([np.sin(b) * np.cos(c), np.sin(b) * np.sin(c), np.cos(b)])


DIRECT_TRAVEL_MM = 40.0
"""Longest travel flown straight between clearance points; longer legs go over the top."""

ARC_STEP_DEG = 10.0
"""Angle between waypoints on the safe shell."""


def travel_route(start_mm: FloatArray, end_mm: FloatArray, safe_radius_mm: float) -> FloatArray:
    """Waypoints of the travel between two clearance points (part of the format).

    Parameters
    ----------
    start_mm, end_mm : (3,) ndarray of float
        Clearance points, millimetres, head frame.
    safe_radius_mm : float
        Radius of the safe shell around the head-frame origin, millimetres.

    Returns
    -------
    (k, 3) ndarray of float
        Nothing for a leg up to :data:`DIRECT_TRAVEL_MM` (flown straight); otherwise out
        radially to the shell, along it over the top of the head (through ``(0, R, 0)``,
        never round the neck), and back in radially above ``end_mm``.

    Examples
    --------
    >>> route = travel_route(np.array([60.0, 40, 0]), np.array([-60.0, 40, 0]), 150.0)
    >>> route[[0, -1]].round(1).tolist()
    [[124.8, 83.2, 0.0], [-124.8, 83.2, 0.0]]
    """
    a, b = np.asarray(start_mm, dtype=float), np.asarray(end_mm, dtype=float)
    if (
        not (np.isfinite(a).all() and np.isfinite(b).all())
        or np.linalg.norm(b - a) <= DIRECT_TRAVEL_MM
    ):
        return np.zeros((0, 3))
    top = np.array([0.0, 1.0, 0.0])
    legs: list[FloatArray] = []
    for u, v in ((a / np.linalg.norm(a), top), (top, b / np.linalg.norm(b))):
        angle = float(np.arccos(np.clip(u @ v, -1.0, 1.0)))
        steps = max(int(np.ceil(np.degrees(angle) / ARC_STEP_DEG)), 1)
        t = np.linspace(0.0, 1.0, steps + 1)[:, None]
        if angle < 1e-9:
            arc = np.repeat(u[None], len(t), axis=0)
        else:
            arc = (np.sin((1 - t) * angle) * u + np.sin(t * angle) * v) / np.sin(angle)
        legs.append(arc if not legs else arc[1:])
    return np.asarray(np.concatenate(legs) * safe_radius_mm, dtype=np.float64)


def _poses(program: Program) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Targets, clearance points and outward tool axes (tip to spindle), head frame."""
    axis = -program.approach
    return program.positions_mm, program.positions_mm + program.clearance_mm[:, None] * axis, axis


def _fmt(values: FloatArray, letters: str, digits: int) -> list[str]:
    template = " ".join(f"{letter}%.{digits}f" for letter in letters)
    return [template % tuple(row) for row in np.asarray(values, dtype=np.float64).tolist()]


def _motion_blocks(
    program: Program, magic: str, plunge: list[str], up: list[str], via: list[list[str]]
) -> str:
    """The shared block structure of both G-code writers (see ``docs/program-format.md``)."""
    travel = f"F{program.travel_feed_mm_per_min:.1f}"
    feed = f"F{program.plunge_feed_mm_per_min:.1f}"
    out = [magic, f"; {_HEADER_PREFIX}{json.dumps(_header(program))}", "G21 G90 G94", "M3"]
    for k in range(len(program)):
        out.append(f"(I{k} impression {program.impression_index[k]} zone {program.zone_id[k]})")
        if program.redip_before[k]:
            out.append(f"M0 (re-dip pigment, {program.redip_seconds:g} s)")
        out += [f"G1 {w} {travel}" for w in via[k]]
        out.append(f"G1 {up[k]} {travel}")
        out.append(f"G1 {plunge[k]} {feed}")
        out.append(f"M110 D{program.depth_setting_mm[k]:.4f} H{program.hits[k]}")
        out.append(f"G4 P{program.dwell_ms[k] / 1000:.4f}")
        out.append(f"G1 {up[k]} {feed}")
    out += ["M5", "M30", ""]
    return "\n".join(out)


def routed_legs(clearance_points_mm: FloatArray, safe_radius_mm: float) -> dict[int, FloatArray]:
    """The travel legs flown over the safe shell, with their waypoints.

    Parameters
    ----------
    clearance_points_mm : (m, 3) ndarray of float
        Clearance point of each instruction in execution order, millimetres.
    safe_radius_mm : float
        Radius of the safe shell, millimetres.

    Returns
    -------
    dict of int to (k, 3) ndarray of float
        For each leg ``i`` (from instruction ``i - 1`` to ``i``) longer than
        :data:`DIRECT_TRAVEL_MM`, its :func:`travel_route` waypoints; other legs are straight.
    """
    pts = np.asarray(clearance_points_mm, dtype=np.float64)
    if len(pts) < 2:
        return {}
    with np.errstate(invalid="ignore"):
        long_leg = ~(np.linalg.norm(np.diff(pts, axis=0), axis=1) <= DIRECT_TRAVEL_MM)
    return {
        int(k) + 1: travel_route(pts[k], pts[k + 1], safe_radius_mm)
        for k in np.flatnonzero(long_leg)
    }


def _waypoints(program: Program) -> list[FloatArray]:
    """Travel waypoints before each instruction, with their outward tool axes, as (k, 6)."""
    _, clear, _ = _poses(program)
    out = [np.zeros((0, 6))] * len(program)
    for k, route in routed_legs(clear, program.safe_radius_mm).items():
        axis = route / np.maximum(np.linalg.norm(route, axis=1, keepdims=True), 1e-300)
        out[k] = np.column_stack([route, axis])
    return out


def write_program_gcode(program: Program) -> str:
    """The program as G-code: tool-tip XYZ with the tool-axis vector IJK.

    Parameters
    ----------
    program : Program
        The program.

    Returns
    -------
    str
        Millimetres, head frame; per impression: travel at clearance, plunge along the
        axis, ``M110 D<depth setting mm> H<hits>`` (fire), ``G4`` dwell, retract. IJK is the
        unit tool axis from tip to spindle (the outward normal). Positions to 1 nm.
    """
    target, clear, axis = _poses(program)
    plunge = _fmt(np.column_stack([target, axis]), "XYZIJK", 6)
    up = _fmt(np.column_stack([clear, axis]), "XYZIJK", 6)
    via = [_fmt(w, "XYZIJK", 6) if len(w) else [] for w in _waypoints(program)]
    return _motion_blocks(program, _GCODE_MAGIC, plunge, up, via)


def write_program_five_axis(program: Program, machine: FiveAxisMachine | None = None) -> str:
    """The program post-processed for the reference B/C-head machine (:class:`FiveAxisMachine`).

    Parameters
    ----------
    program : Program
        The program (already in the registered frame, if registered).
    machine : FiveAxisMachine, optional
        Kinematics; default pivot 150 mm, |B| ≤ 120°.

    Returns
    -------
    str
        G-code with pivot XYZ and rotary B, C in degrees.

    Raises
    ------
    PlanValidationError
        If an impression needs |B| beyond the machine's limit.
    """
    machine = machine or FiveAxisMachine()
    target, clear, axis = _poses(program)
    m_axis = axis @ _MACHINE_FROM_HEAD.T
    b, c = _tool_axis_to_bc(m_axis)
    if len(b) and np.nanmax(b) > machine.b_limit_deg:
        worst = int(np.nanargmax(b))
        raise PlanValidationError(
            f"impression {worst} needs B = {b[worst]:.1f}°, "
            f"beyond the machine's ±{machine.b_limit_deg}°"
        )
    pivot_down = target @ _MACHINE_FROM_HEAD.T + machine.pivot_mm * m_axis
    pivot_up = clear @ _MACHINE_FROM_HEAD.T + machine.pivot_mm * m_axis
    plunge = _fmt(np.column_stack([pivot_down, b, c]), "XYZBC", 6)
    up = _fmt(np.column_stack([pivot_up, b, c]), "XYZBC", 6)
    via = []
    for w in _waypoints(program):
        w_axis = w[:, 3:] @ _MACHINE_FROM_HEAD.T
        wb, wc = _tool_axis_to_bc(w_axis)
        w_pivot = w[:, :3] @ _MACHINE_FROM_HEAD.T + machine.pivot_mm * w_axis
        via.append(_fmt(np.column_stack([w_pivot, wb, wc]), "XYZBC", 6))
    magic = f"{_FIVE_AXIS_MAGIC} pivot_mm={machine.pivot_mm:g}"
    return _motion_blocks(program, magic, plunge, up, via)


_WORD = re.compile(r"([A-Z])(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)")


def _parse_blocks(lines: list[str], letters: str, what: str) -> dict[str, Any]:
    """Per-impression values from the motion blocks.

    Target and clearance words, depth, hits, dwell, re-dip and feeds.
    """
    start = [k for k, ln in enumerate(lines) if ln.startswith("(I")]
    out: dict[str, list[Any]] = {
        "index": [],
        "zone_id": [],
        "plunge": [],
        "up": [],
        "after": [],
        "depth": [],
        "hits": [],
        "dwell": [],
        "redip": [],
    }
    feeds: set[tuple[str, float]] = set()
    for n, s in enumerate(start):
        block = lines[s : start[n + 1] if n + 1 < len(start) else len(lines)]
        head = re.match(r"\(I(\d+) impression (\d+) zone (-?\d+)\)", block[0])
        moves = [ln for ln in block if ln.startswith("G1 ")]
        fire = [ln for ln in block if ln.startswith("M110 ")]
        dwell = [ln for ln in block if ln.startswith("G4 ")]
        if (
            head is None
            or int(head.group(1)) != n
            or len(moves) < 3
            or len(fire) != 1
            or len(dwell) != 1
        ):
            raise PlanValidationError(
                f"{what}: instruction {n} is not travel, plunge, fire, dwell, retract"
            )
        words = [dict((a, float(v)) for a, v in _WORD.findall(m[3:])) for m in moves[-3:]]
        for w in words:
            if not set(letters) | {"F"} >= set(w) or not set(letters) <= set(w):
                raise PlanValidationError(f"{what}: instruction {n} move lacks one of {letters}")
        feeds |= {("travel", words[0]["F"]), ("plunge", words[1]["F"]), ("plunge", words[2]["F"])}
        out["index"].append(int(head.group(2)))
        out["zone_id"].append(int(head.group(3)))
        out["up"].append([words[0][a] for a in letters])
        out["plunge"].append([words[1][a] for a in letters])
        out["after"].append([words[2][a] for a in letters])
        fired = dict(_WORD.findall(fire[0][5:]))
        out["depth"].append(float(fired["D"]))
        out["hits"].append(int(float(fired["H"])))
        out["dwell"].append(1000 * float(_WORD.findall(dwell[0][3:])[0][1]))
        out["redip"].append(any(ln.startswith("M0") for ln in block))
    travel = {f for kind, f in feeds if kind == "travel"}
    plunge = {f for kind, f in feeds if kind == "plunge"}
    if len(travel) > 1 or len(plunge) > 1:
        raise PlanValidationError(f"{what}: feed rates change within the program")
    columns: dict[str, Any] = {k: np.array(v, dtype=float) for k, v in out.items()}
    columns["feeds"] = (travel.pop() if travel else None, plunge.pop() if plunge else None)
    return columns


def _columns_from_motion(
    header: dict[str, Any],
    parsed: dict[str, Any],
    target: FloatArray,
    clear: FloatArray,
    axis: FloatArray,
    clear_after: FloatArray,
) -> Program:
    m = len(parsed["index"])
    if m != header["impression_count"]:
        raise PlanValidationError(
            f"G-code: header says {header['impression_count']} impressions, found {m} blocks"
        )
    clearance = np.linalg.norm(clear - target, axis=1).reshape(m)
    retract = np.linalg.norm(clear_after - target, axis=1).reshape(m)
    columns = {
        "index": parsed["index"].astype(np.int64),
        "position_mm": target.reshape(m, 3),
        "approach": -axis.reshape(m, 3),
        "zone_id": parsed["zone_id"].astype(np.int64),
        "depth_setting_mm": parsed["depth"],
        "dwell_ms": parsed["dwell"],
        "hits": parsed["hits"].astype(np.int64),
        "clearance_mm": np.minimum(clearance, retract),
        "redip_before": parsed["redip"].astype(bool),
    }
    header = dict(header)
    travel, plunge = parsed["feeds"]
    header["motion"] = dict(header["motion"])
    if travel is not None:
        header["motion"]["travel_feed_mm_per_min"] = travel
        header["motion"]["plunge_feed_mm_per_min"] = plunge
    return _program_from(header, columns)


def read_program_gcode(text: str) -> Program:
    """Parse G-code written by :func:`write_program_gcode` (motion from the blocks).

    Parameters
    ----------
    text : str
        The file's content.

    Returns
    -------
    Program
        Positions, approach, clearance, depth, hits, dwell, re-dips and feeds as the
        G-code moves say (to the 1 nm the file holds); other fields from its header.

    Raises
    ------
    PlanValidationError
        If the magic line, header or an instruction block is malformed.
    """
    lines = [ln.strip() for ln in text.splitlines()]
    header = _embedded_header(lines, _GCODE_MAGIC, ";", "program G-code")
    parsed = _parse_blocks(lines, "XYZIJK", "program G-code")
    m = len(parsed["index"])
    down, up, after = (parsed[k].reshape(m, 6) for k in ("plunge", "up", "after"))
    axis = down[:, 3:]
    return _columns_from_motion(header, parsed, down[:, :3], up[:, :3], axis, after[:, :3])


def read_program_five_axis(text: str) -> Program:
    """Parse 5-axis G-code written by :func:`write_program_five_axis` (inverse kinematics).

    Parameters
    ----------
    text : str
        The file's content.

    Returns
    -------
    Program
        The program in the head frame, tool tips and axes recovered from pivot XYZ and B/C.

    Raises
    ------
    PlanValidationError
        If the magic line (with the machine's pivot), header or a block is malformed.
    """
    lines = [ln.strip() for ln in text.splitlines()]
    first = lines[0] if lines else ""
    found = re.fullmatch(re.escape(_FIVE_AXIS_MAGIC) + r" pivot_mm=([0-9.eE+-]+)", first)
    if found is None:
        raise PlanValidationError(
            f"5-axis G-code: first line must be '{_FIVE_AXIS_MAGIC} pivot_mm=<mm>'"
        )
    pivot = float(found.group(1))
    header = _embedded_header(
        [_FIVE_AXIS_MAGIC, *lines[1:]], _FIVE_AXIS_MAGIC, ";", "5-axis G-code"
    )
    parsed = _parse_blocks(lines, "XYZBC", "5-axis G-code")
    m = len(parsed["index"])
    head_from_machine = _MACHINE_FROM_HEAD.T

    def tip(values: FloatArray) -> tuple[FloatArray, FloatArray]:
        m_axis = _bc_to_tool_axis(values[:, 3], values[:, 4])
        return (values[:, :3] - pivot * m_axis) @ head_from_machine.T, m_axis @ head_from_machine.T

    target, axis = tip(parsed["plunge"].reshape(m, 5))
    clear, _ = tip(parsed["up"].reshape(m, 5))
    after, _ = tip(parsed["after"].reshape(m, 5))
    return _columns_from_motion(header, parsed, target, clear, axis, after)
