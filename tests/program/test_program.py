import ast
import dataclasses
import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from smpstudio.core import load_plan
from smpstudio.errors import PlanValidationError
from smpstudio.head import closest_faces, smooth_normals
from smpstudio.program import (
    DIRECT_TRAVEL_MM,
    PROGRAM_FORMAT_VERSION,
    ProgramSettings,
    build_program,
    clearance_for_travel,
    estimate_duration,
    program_schema,
    read_program_csv,
    read_program_five_axis,
    read_program_gcode,
    read_program_json,
    write_program_csv,
    write_program_five_axis,
    write_program_gcode,
    write_program_json,
)
from tests.tolerances import GCODE_MM, GCODE_UNIT, SMOOTH_NORMAL_DEG


@pytest.fixture(scope="module")
def plan(example_plan_dir: Path):
    return load_plan(example_plan_dir)


@pytest.fixture(scope="module")
def program(plan):
    zones = {z.name for z in plan.design.zones}
    settings = ProgramSettings.for_plan(
        plan, depth_by_zone_mm={"hairline band": 0.6}, zone_order=("crown",)
    )
    assert "crown" in zones and "hairline band" in zones
    built, avoided = build_program(plan, plan.sessions[0], settings, plan_id="plan-x")
    assert len(avoided) == 0
    return built


def test_instructions_carry_every_field(plan, program) -> None:
    session = plan.sessions[0]
    assert np.array_equal(
        np.sort(program.impression_index), np.flatnonzero(plan.pattern.session == 0)
    )
    assert np.allclose(np.linalg.norm(program.approach, axis=1), 1.0)
    # approach = inward smooth normal, re-derived here from area-weighted vertex normals
    inward = -smooth_normals(plan.head, program.positions_mm)
    angle = np.degrees(np.arccos(np.clip((inward * program.approach).sum(axis=1), -1, 1)))
    assert angle.max() < SMOOTH_NORMAL_DEG
    names = dict(program.zone_names)
    hairline = np.array([names[z] == "hairline band" for z in program.zone_id])
    assert hairline.any() and np.all(program.depth_setting_mm[hairline] == 0.6)
    assert np.all(program.depth_setting_mm[~hairline] == session.depth_setting_mm)
    assert names[int(program.zone_id[0])] == "crown"  # zone order honoured
    assert np.all(program.hits == round(40 * 125 / 1000))  # dwell × needle frequency
    assert program.pigment_lot == session.pigment_lot
    assert program.dilution_water_parts == session.dilution_water_parts
    every = int(program.ordering["redip_every"])
    assert np.array_equal(np.flatnonzero(program.redip_before), np.arange(0, len(program), every))
    assert len(program.fiducial_names) == 5 and np.isfinite(program.fiducials_mm).all()
    assert program.ordering["short_steps"] == 0


def test_clearance_rises_for_longer_direct_legs() -> None:
    pts = np.array([[0.0, 100, 0], [0, 100, 2], [0, 100, 32], [0, 100, 200]])
    clearance = clearance_for_travel(pts, 2.0)
    assert clearance[0] == pytest.approx(2.0 + 4 / 400)
    assert clearance[2] == pytest.approx(2.0 + 900 / 400)  # 30 mm leg in; the 168 mm leg flies over
    assert clearance[3] == pytest.approx(2.0)
    assert DIRECT_TRAVEL_MM < 168


def test_json_round_trip_is_exact_and_schema_valid(program) -> None:
    data = write_program_json(program)
    doc = json.loads(data)
    jsonschema.Draft202012Validator(program_schema()).validate(doc)
    assert doc["format_version"] == PROGRAM_FORMAT_VERSION
    assert doc["head_surface_sha256"] == program.head_digest
    assert read_program_json(data) == program


def test_csv_round_trip_is_exact(program) -> None:
    assert read_program_csv(write_program_csv(program)) == program


@pytest.mark.parametrize(
    ("write", "read", "tolerance_mm"),
    [
        (write_program_gcode, read_program_gcode, GCODE_MM),
        (write_program_five_axis, read_program_five_axis, GCODE_MM),
    ],
)
def test_gcode_round_trips_within_its_precision(program, write, read, tolerance_mm) -> None:
    text = write(program)
    back = read(text)
    assert np.abs(back.positions_mm - program.positions_mm).max() < tolerance_mm
    assert np.abs(back.approach - program.approach).max() < GCODE_UNIT * 10
    assert np.abs(back.clearance_mm - program.clearance_mm).max() < tolerance_mm
    assert np.array_equal(back.impression_index, program.impression_index)
    assert np.array_equal(back.redip_before, program.redip_before)
    assert np.array_equal(back.hits, program.hits)
    assert np.allclose(back.dwell_ms, program.dwell_ms)
    assert np.allclose(back.depth_setting_mm, program.depth_setting_mm)
    assert back.travel_feed_mm_per_min == program.travel_feed_mm_per_min


def test_gcode_retracts_between_impressions(program) -> None:
    lines = write_program_gcode(program).splitlines()
    fire = [k for k, ln in enumerate(lines) if ln.startswith("M110 ")]
    assert len(fire) == len(program)
    for k in fire[:50]:
        # before firing: travel then plunge; after: dwell then retract along the same axis
        assert lines[k + 1].startswith("G4 P") and lines[k + 2].startswith("G1 ")
        assert lines[k - 1].startswith("G1 ") and lines[k - 2].startswith("G1 ")
        assert lines[k + 2].split(" F")[0] == lines[k - 2].split(" F")[0]


def test_five_axis_kinematics_match_the_documented_machine(program) -> None:
    text = write_program_five_axis(program)
    block = next(ln for ln in text.splitlines() if ln.startswith("M110"))
    moves = text.splitlines()
    k = moves.index(block)
    words = dict((w[0], float(w[1:])) for w in moves[k - 1].split() if w[0] in "XYZBC")
    b, c = np.radians(words["B"]), np.radians(words["C"])
    axis_machine = np.array([np.sin(b) * np.cos(c), np.sin(b) * np.sin(c), np.cos(b)])
    tip_machine = np.array([words["X"], words["Y"], words["Z"]]) - 150.0 * axis_machine
    # machine X = head x, Y = -head z, Z = head y
    tip_head = np.array([tip_machine[0], tip_machine[2], -tip_machine[1]])
    axis_head = np.array([axis_machine[0], axis_machine[2], -axis_machine[1]])
    assert np.allclose(tip_head, program.positions_mm[0], atol=GCODE_MM)
    assert np.allclose(axis_head, -program.approach[0], atol=1e-6)


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda t: t[: len(t) // 2], "malformed"),
        (lambda t: t.replace('"format_version": 2', '"format_version": 1'), "format_version"),
        (lambda t: t.replace('"units": "mm"', '"units": "in"'), "units"),
        (lambda t: t.replace('"hits": [', '"hits": [1, '), "hits"),
    ],
)
def test_malformed_json_is_refused_with_a_reason(program, mangle, message) -> None:
    text = write_program_json(program).decode()
    with pytest.raises(PlanValidationError, match=message):
        read_program_json(mangle(text))


def test_malformed_csv_and_gcode_are_refused(program) -> None:
    csv = write_program_csv(program)
    with pytest.raises(PlanValidationError, match="header says"):
        read_program_csv(csv.rsplit("\n", 3)[0] + "\n")
    with pytest.raises(PlanValidationError, match="first line"):
        read_program_csv("x" + csv)
    gcode = write_program_gcode(program)
    with pytest.raises(PlanValidationError, match="instruction 0 is not"):
        read_program_gcode(gcode.replace("M110 ", "M111 ", 1))
    with pytest.raises(PlanValidationError, match="pivot_mm"):
        read_program_five_axis(gcode)


def test_duration_adds_travel_axis_dwell_and_redips(program) -> None:
    d = estimate_duration(program)
    up = program.positions_mm - program.clearance_mm[:, None] * program.approach
    straight = np.linalg.norm(np.diff(up, axis=0), axis=1).sum()
    assert d.travel_mm >= straight - 1e-6
    assert d.dwell_s == pytest.approx(len(program) * 0.040)
    assert d.redip_s == pytest.approx(program.redip_before.sum() * program.redip_seconds)
    assert d.axis_s == pytest.approx(
        2 * program.clearance_mm.sum() / program.plunge_feed_mm_per_min * 60
    )
    assert d.total_s == pytest.approx(d.travel_s + d.axis_s + d.dwell_s + d.redip_s)


def test_programs_stay_on_the_scalp(plan, program) -> None:
    distance, _ = closest_faces(plan.head, program.positions_mm, faces=plan.head.scalp_faces)
    assert distance.max() < 0.01


def test_validator_does_not_import_the_generator() -> None:
    source = Path(__file__).parents[2] / "src" / "smpstudio" / "program" / "_validate.py"
    imported = {
        node.module
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.ImportFrom)
    }
    assert "smpstudio.program._formats" in imported  # the readers' format definitions
    for generator in ("_build", "_order", "_tour", "_execution", "_replay"):
        assert f"smpstudio.program.{generator}" not in imported
    assert dataclasses.is_dataclass(program_schema) is False
