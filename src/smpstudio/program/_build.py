"""Building one device program per session, and its documented JSON form."""

from typing import Any

import numpy as np

import smpstudio
from smpstudio.core import Pattern, Program, SessionPlan
from smpstudio.domain import DEFAULTS
from smpstudio.program._order import order_for_travel

PROGRAM_FORMAT_VERSION = 1
"""Version of the program JSON format (``docs/program-format.md``)."""


def build_program(pattern: Pattern, session: SessionPlan) -> Program:
    """The impressions of one session, in device order.

    Parameters
    ----------
    pattern : Pattern
        Impressions with their session column filled.
    session : SessionPlan
        The session to build.

    Returns
    -------
    Program
        Targets, inward approach vectors (the negated surface normals) and the session's
        needle, depth, dwell and dilution.
    """
    rows = np.flatnonzero(pattern.session == session.index)
    rows = rows[order_for_travel(pattern.positions_mm[rows])]
    return Program(
        session_index=session.index,
        impression_index=rows,
        positions_mm=pattern.positions_mm[rows],
        approach=-pattern.normals[rows],
        depth_setting_mm=session.depth_setting_mm,
        needle_diameter_mm=session.needle_diameter_mm,
        dwell_ms=DEFAULTS["needle_dwell_ms"].value,
        dilution_water_parts=session.dilution_water_parts,
    )


def program_document(program: Program, *, plan_id: str) -> dict[str, Any]:
    """The program as a JSON-ready document (format ``smpstudio.program`` version 1).

    Parameters
    ----------
    program : Program
        The program.
    plan_id : str
        Identifier of the plan it came from (the plan's array checksum).

    Returns
    -------
    dict
        Header fields and ``impressions`` as parallel columns; see
        ``src/smpstudio/program/program.schema.json``.
    """
    return {
        "format": "smpstudio.program",
        "format_version": PROGRAM_FORMAT_VERSION,
        "generator": f"smpstudio {smpstudio.__version__}",
        "plan_id": plan_id,
        "units": "mm",
        "frame": "head",
        "session_index": program.session_index,
        "needle_diameter_mm": program.needle_diameter_mm,
        "depth_setting_mm": program.depth_setting_mm,
        "dwell_ms": program.dwell_ms,
        "dilution_water_parts": program.dilution_water_parts,
        "impression_count": len(program),
        "impressions": {
            "index": program.impression_index.tolist(),
            "position_mm": program.positions_mm.tolist(),
            "approach": program.approach.tolist(),
        },
    }


def program_from_document(doc: dict[str, Any]) -> Program:
    """Rebuild a program from its JSON document (validated against the schema first).

    Parameters
    ----------
    doc : dict
        A document written by :func:`program_document`.

    Returns
    -------
    Program
        The program.
    """
    imp = doc["impressions"]
    return Program(
        session_index=doc["session_index"],
        impression_index=np.array(imp["index"], dtype=np.int64),
        positions_mm=np.array(imp["position_mm"], dtype=np.float64).reshape(-1, 3),
        approach=np.array(imp["approach"], dtype=np.float64).reshape(-1, 3),
        depth_setting_mm=doc["depth_setting_mm"],
        needle_diameter_mm=doc["needle_diameter_mm"],
        dwell_ms=doc["dwell_ms"],
        dilution_water_parts=doc["dilution_water_parts"],
    )
