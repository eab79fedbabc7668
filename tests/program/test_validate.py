import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from smpstudio.cli import app
from smpstudio.core import Zone, load_plan
from smpstudio.errors import ProgramSafetyError
from smpstudio.head import closest_faces, closest_points_on_triangles, smooth_normals
from smpstudio.program import (
    ProgramSettings,
    build_program,
    check_program_safety,
    program_violations,
    read_program_json,
    write_program_json,
)


@pytest.fixture(scope="module")
def plan(example_plan_dir: Path):
    return load_plan(example_plan_dir)


@pytest.fixture(scope="module")
def good(plan):
    program, _ = build_program(plan, plan.sessions[0], ProgramSettings.for_plan(plan), plan_id="p")
    first = program.rows(slice(0, 2500))  # a part of a session: each check runs in ~0.3 s
    return read_program_json(write_program_json(first))  # judged as read from its file


def _on_surface(plan, points):
    _, face = closest_faces(plan.head, points)
    return closest_points_on_triangles(points, plan.head.triangles_mm[face])


def _move(program, k, position):
    pos = program.positions_mm.copy()
    pos[k] = position
    return dataclasses.replace(program, positions_mm=pos)


def _column(program, name, k, value):
    column = getattr(program, name).copy()
    column[k] = value
    return dataclasses.replace(program, **{name: column})


def _crowd(plan, program, k):
    """About 180 impressions on a 0.35 mm grid around impression k: dense, not too close."""
    centre = program.positions_mm[k]
    normal = smooth_normals(plan.head, centre[None])[0]
    u = np.cross(normal, [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(normal, u)
    a, b = np.meshgrid(np.arange(-7, 8), np.arange(-7, 8))
    grid = centre + 0.35 * (
        a.ravel()[:, None] * u + (b.ravel() + 0.5 * (a.ravel() % 2))[:, None] * v
    )
    grid = _on_surface(plan, grid)
    far = np.argsort(np.linalg.norm(program.positions_mm - centre, axis=1))[-len(grid) :]
    pos = program.positions_mm.copy()
    pos[np.flatnonzero(np.linalg.norm(pos - centre, axis=1) < 3.0)] = pos[far[0]] + 50  # cleared
    pos[far] = grid
    app = program.approach.copy()
    app[far] = -smooth_normals(plan.head, grid)
    return dataclasses.replace(program, positions_mm=pos, approach=app), far


def _tilted(program, k, degrees):
    a = program.approach[k]
    side = np.cross(a, [1.0, 0.0, 0.0])
    side /= np.linalg.norm(side)
    t = np.radians(degrees)
    return _column(program, "approach", k, np.cos(t) * a + np.sin(t) * side)


def _seeded_faults(plan, program):
    """(name, faulty program, expected rule, expected instruction or None)."""
    nose = plan.head.triangles_mm[~plan.head.scalp_faces].mean(axis=1)
    nose = nose[np.argmax(nose[:, 2])]
    k = 40
    near = program.positions_mm[k + 1] + 0.1 * np.cross(program.approach[k + 1], [0.0, 0.0, 1.0])
    close = program.positions_mm[k + 1] + 0.25 * np.cross(program.approach[k + 1], [0.0, 0.0, 1.0])
    crowded, which = _crowd(plan, program, 500)
    lifted = program.positions_mm[k] - 0.5 * program.approach[k]
    jump = np.flatnonzero(
        (np.linalg.norm(program.positions_mm - program.positions_mm[k], axis=1) > 30)
        & (np.linalg.norm(program.positions_mm - program.positions_mm[k], axis=1) < 38)
    )[0]
    long_leg = _move(program, k + 1, program.positions_mm[jump])
    long_leg = _column(long_leg, "approach", k + 1, program.approach[jump])
    long_leg = _column(long_leg, "clearance_mm", k, 1.0)
    long_leg = _column(long_leg, "clearance_mm", k + 1, 1.0)
    return [
        ("off the scalp", _move(program, k, nose), "off scalp", k),
        ("off the surface", _move(program, k, lifted), "off surface", k),
        ("too deep", _column(program, "depth_setting_mm", k, 2.5), "depth", k),
        ("depth in metres", _column(program, "depth_setting_mm", k, 0.0008), "depth", k),
        ("no dwell", _column(program, "dwell_ms", k, 0.0), "no work", k),
        ("tilted approach", _tilted(program, k, 30), "approach", k),
        (
            "approach not unit",
            _column(program, "approach", k, 2 * program.approach[k]),
            "approach",
            k,
        ),
        ("NaN position", _column(program, "positions_mm", k, np.nan), "non-finite", k),
        ("inf clearance", _column(program, "clearance_mm", k, np.inf), "non-finite", k),
        (
            "duplicate impression",
            _column(program, "impression_index", k, program.impression_index[k - 1]),
            "duplicate",
            k,
        ),
        (
            "near-duplicate hit",
            _move(program, k, _on_surface(plan, near[None])[0]),
            "near-duplicate",
            k + 1,
        ),
        (
            "spacing below minimum",
            _move(program, k, _on_surface(plan, close[None])[0]),
            "spacing",
            k + 1,
        ),
        ("density above maximum", crowded, "density", int(which[len(which) // 2])),
        ("travel without retract", _column(program, "clearance_mm", k, 0.2), "retract", k),
        ("travel through the skin", long_leg, "travel", k + 1),
        (
            "metres",
            dataclasses.replace(program, positions_mm=program.positions_mm / 1000),
            "units",
            None,
        ),
        (
            "inches",
            dataclasses.replace(program, positions_mm=program.positions_mm / 25.4),
            "units",
            None,
        ),
        (
            "other head",
            dataclasses.replace(program, head_digest="sha256:" + "0" * 64),
            "surface",
            None,
        ),
        (
            "safe shell inside the head",
            dataclasses.replace(program, safe_radius_mm=60.0),
            "travel",
            None,
        ),
    ]


def test_good_program_passes(plan, good) -> None:
    assert program_violations(good, plan.head, plan.design) == []
    check_program_safety(good, plan.head, plan.design)


def test_each_seeded_fault_is_caught_with_its_index(plan, good) -> None:
    missed = []
    for name, bad, rule, index in _seeded_faults(plan, good):
        found = program_violations(bad, plan.head, plan.design)
        if not any(v.rule == rule and v.index == index for v in found):
            missed.append((name, rule, index, [str(v) for v in found[:4]]))
    assert missed == []


def test_unit_mistakes_name_the_unit(plan, good) -> None:
    metres = program_violations(
        dataclasses.replace(good, positions_mm=good.positions_mm / 1000), plan.head
    )
    inches = program_violations(
        dataclasses.replace(good, positions_mm=good.positions_mm / 25.4), plan.head
    )
    assert "metres" in str(metres[0]) and "inches" in str(inches[0])


def test_exclusion_outline_is_a_no_go_area(plan, good) -> None:
    centre = good.positions_mm[700]
    normal = smooth_normals(plan.head, centre[None])[0]
    u = np.cross(normal, [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    v = np.cross(normal, u)
    t = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    ring = _on_surface(plan, centre + 4.0 * (np.cos(t)[:, None] * u + np.sin(t)[:, None] * v))
    scar = Zone(
        zone_id=len(plan.design.zones),
        name="mole",
        density_per_cm2=0.0,
        dot_diameter_mm=0.1,
        kind="exclusion",
        outline_mm=ring,
    )
    design = dataclasses.replace(plan.design, zones=(*plan.design.zones, scar))
    found = program_violations(good, plan.head, design)
    inside = np.linalg.norm(good.positions_mm - centre, axis=1) < 3.0
    flagged = {v.index for v in found if v.rule == "exclusion"}
    assert 700 in flagged and set(np.flatnonzero(inside)) <= flagged
    with pytest.raises(ProgramSafetyError, match="exclusion 'mole'"):
        check_program_safety(good, plan.head, design)


def test_exporter_refuses_and_force_records(example_plan_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(example_plan_dir, folder, ignore=shutil.ignore_patterns("programs", "preview"))
    runner = CliRunner()
    refused = runner.invoke(app, ["program", str(folder), "--set", "needle_depth_limit_mm=0.5"])
    assert refused.exit_code == 2
    assert "depth setting 0.8 mm outside [0.25, 0.5] mm" in " ".join(refused.output.split())
    assert not (folder / "programs").exists()
    forced = runner.invoke(
        app, ["program", str(folder), "--force", "--set", "needle_depth_limit_mm=0.5"]
    )
    assert forced.exit_code == 0, forced.output
    assert "forced" in forced.output
    written = read_program_json((folder / "programs" / "session-1.json").read_bytes())
    assert len(written.violations) == len(written) and "depth" in written.violations[0]
    for suffix in (".csv", ".gcode", ".5axis.nc", "-tour.png"):
        assert (folder / "programs" / f"session-1{suffix}").stat().st_size > 1000
