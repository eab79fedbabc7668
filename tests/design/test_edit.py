"""Editing a design in millimetres, and what an edit leaves behind in the plan folder."""

import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from smpstudio.cli import app
from smpstudio.core import Zone, load_plan, save_plan
from smpstudio.design import (
    default_design,
    move_whorl,
    set_zone_target,
    whorl_point_mm,
    zone_areas_cm2,
    zone_of_points,
)
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head import chart_from_surface, surface_from_chart


def test_a_zone_target_changes_that_zone_only(head) -> None:
    design = default_design(head)
    edited = set_zone_target(design, "crown", density_per_cm2=85.0, dot_diameter_mm=0.1)
    changed = [(a.name, b) for a, b in zip(design.zones, edited.zones, strict=True) if a != b]
    per_fu = DEFAULTS["impressions_per_follicular_unit"].value
    assert changed == [("crown", Zone(3, "crown", 85.0, 0.1, impressions_per_fu=per_fu))]
    assert design.zones[3].density_per_cm2 == DEFAULTS["impression_density_per_cm2"].value
    with pytest.raises(PlanValidationError, match="no zone 'vertex'; its zones are 'hairline"):
        set_zone_target(design, "vertex", density_per_cm2=90.0)
    with pytest.raises(PlanValidationError, match=r"density_per_cm2 must be > 0, got -5.0"):
        set_zone_target(design, "crown", density_per_cm2=-5.0)


def test_moving_the_whorl_moves_the_crown_and_keeps_its_area(sphere) -> None:
    head, chart, design = sphere
    moved = move_whorl(head, design, (0.0, -15.0), chart=chart)
    default_uv = chart_from_surface(chart, whorl_point_mm(chart))[0]
    assert moved.whorl_mm is not None
    moved_uv = chart_from_surface(chart, moved.whorl_mm)[0]
    assert moved_uv - default_uv == pytest.approx([0.0, -15.0], abs=0.05)
    crown = next(z.zone_id for z in design.zones if z.name == "crown")
    radius = DEFAULTS["crown_zone_radius_mm"].value
    areas = zone_areas_cm2(head, moved, chart=chart)
    assert areas[crown] == pytest.approx(np.pi * radius**2 / 100, rel=0.01)
    # the crown now reaches 15 mm further back along the chart's midline
    behind = DEFAULTS["crown_whorl_behind_vertex_mm"].value + 15.0 + radius - 1.0
    probe = surface_from_chart(chart, np.array([[0.0, -behind]]))
    assert zone_of_points(head, moved, probe, chart=chart)[0] == crown
    assert zone_of_points(head, design, probe, chart=chart)[0] != crown
    with pytest.raises(PlanValidationError, match="takes it off the scalp"):
        move_whorl(head, design, (0.0, -400.0), chart=chart)


def test_smp_edit_changes_the_design_and_clears_what_followed_it(
    example_plan_dir: Path, tmp_path: Path
) -> None:
    plan_dir = tmp_path / "plan"
    shutil.copytree(example_plan_dir, plan_dir)
    assert list((plan_dir / "programs").glob("session-*.json"))
    command = ["edit", str(plan_dir), "--move-point", "3:0,-5", "--density", "crown=90"]
    command += ["--impressions-per-fu", "crown=2", "--move-whorl", "0,-10", "--band-width", "12"]
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    # the mid-frontal point went 5 mm back from the rule of 8's 80 mm
    assert "hairline crosses the midline 85 mm above mid-glabella" in text
    assert "zone 3 crown: 50.3 cm², 90 impressions/cm² (45.0 FU/cm² × 2 impressions per FU)" in text
    plan = load_plan(plan_dir)
    assert plan.design is not None and plan.pattern is None and not plan.sessions
    assert plan.design.band_width_mm == 12.0 and plan.design.whorl_mm is not None
    assert not list((plan_dir / "programs").glob("*.json"))
    assert not list((plan_dir / "preview").glob("*.png"))
    assert (plan_dir / "design" / "design.pdf").is_file()
    # the whorl survives the round trip through the file
    save_plan(plan, tmp_path / "again")
    again = load_plan(tmp_path / "again").design
    assert again is not None and np.array_equal(again.whorl_mm, plan.design.whorl_mm)
    before = (plan_dir / "plan.json").read_bytes()
    for bad, message in (
        (["--density", "crown=400"], "asks 400 impressions/cm²"),
        (["--move-point", "9:0,1"], "control points 0..6, not 9"),
        (["--density", "scalp=90"], "no zone 'scalp'"),
    ):
        result = CliRunner().invoke(app, ["edit", str(plan_dir), *bad])
        assert result.exit_code == 2
        assert message in " ".join(result.output.split())
    assert (plan_dir / "plan.json").read_bytes() == before  # nothing written
    # a new head model drops the design made on the old one, and its pictures
    result = CliRunner().invoke(app, ["head", str(plan_dir)])
    assert result.exit_code == 0, result.output
    assert load_plan(plan_dir).design is None
    assert not list((plan_dir / "design").glob("*"))
