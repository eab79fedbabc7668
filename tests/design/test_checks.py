import dataclasses
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from smpstudio.cli import app
from smpstudio.core import Zone, load_plan
from smpstudio.design import check_design, default_design, facial_thirds_mfp_above_glabella_mm
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.workflow import run_design

DISTANCE_TOLERANCE_MM = 1.0


def test_the_default_design_passes(head, chart) -> None:
    assert check_design(head, default_design(head), chart=chart) == ()


@pytest.mark.parametrize(
    ("requested_mm", "code", "distance_mm"),
    [(62.0, "hairline_low", 8.0), (106.0, "hairline_high", 6.0)],
)
def test_hairline_outside_the_seven_to_ten_cm_rule_warns_with_the_distance(
    head, chart, requested_mm, code, distance_mm
) -> None:
    findings = check_design(
        head, default_design(head, mfp_above_glabella_mm=requested_mm), chart=chart
    )
    assert [f.code for f in findings] == [code]
    assert findings[0].severity == "warning"
    assert findings[0].distance_mm == pytest.approx(distance_mm, abs=DISTANCE_TOLERANCE_MM)


def test_control_point_off_the_scalp_warns_with_its_distance(head, chart) -> None:
    design = default_design(head)
    points = np.array(design.hairline_mm)
    points[0, 1] -= 12.0  # 12 mm below the right temple, off the surface and the scalp
    findings = check_design(head, dataclasses.replace(design, hairline_mm=points), chart=chart)
    off = [f for f in findings if f.code == "hairline_off_scalp"]
    assert len(off) == 1 and "control point 0" in off[0].message
    assert off[0].distance_mm == pytest.approx(12.0, abs=2.0)


def test_density_outside_the_accepted_range_is_an_error(head, chart) -> None:
    design = default_design(head)
    dense = dataclasses.replace(
        design, zones=(design.zones[0], Zone(1, "main", 450.0, design.zones[1].dot_diameter_mm))
    )
    findings = check_design(head, dense, chart=chart)
    assert [(f.severity, f.code) for f in findings] == [("error", "density_high")]
    assert "450 impressions/cm²" in findings[0].message


def test_smp_design_prints_the_warning_and_run_design_refuses_errors(
    example_plan_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_dir = tmp_path / "plan"
    shutil.copytree(example_plan_dir, plan_dir)
    result = CliRunner().invoke(app, ["design", str(plan_dir), "--mfp-above-glabella", "60"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "warning: the hairline crosses the midline 60 mm above mid-glabella, 10 mm lower" in text
    # the example is one front photo of a bald front: top and crown unseen
    assert (
        "hair-loss stage, Hamilton–Norwood: most likely IV (confidence 44%; III 11%, IV 44%, "
        "V 33%, VI–VII 11%); front bare, temples bare, top not seen, crown not seen" in text
    )
    assert "hairline: natural style, mature (default: no stage reaches the 60% confidence" in text
    assert (
        "hairline crosses the midline 60 mm above mid-glabella along the forehead (as asked)"
        in text
    )
    # areas in cm², targets in impressions and follicular units
    assert (
        "zone 3 crown: 50.3 cm², 100 impressions/cm² (51.8 FU/cm² × 1.93 impressions per FU)"
        in text
    )
    assert load_plan(plan_dir).design is not None
    before = (plan_dir / "plan.json").read_bytes()
    limit = DEFAULTS["max_design_density_per_cm2"]
    monkeypatch.setitem(DEFAULTS, limit.name, dataclasses.replace(limit, value=50.0))
    with pytest.raises(PlanValidationError, match="fails its checks"):
        run_design(plan_dir)
    assert (plan_dir / "plan.json").read_bytes() == before  # nothing written


def test_smp_design_draws_scars_and_exclusions_from_a_file_and_refuses_bad_ones(
    example_plan_dir: Path, tmp_path: Path
) -> None:
    plan_dir = tmp_path / "plan"
    shutil.copytree(example_plan_dir, plan_dir)
    scar = {
        "kind": "scar",
        "name": "surgical scar",
        "view": "front",
        "points_px": [[180, 75], [270, 62], [272, 72], [182, 86]],
    }
    mole = {
        "kind": "exclusion",
        "name": "mole",
        "view": "front",
        "points_px": [[300, 100], [312, 100], [312, 112], [300, 112]],
    }
    outlines = tmp_path / "outlines.json"
    outlines.write_text(json.dumps({"outlines": [scar, mole]}))
    result = CliRunner().invoke(app, ["design", str(plan_dir), "--outlines", str(outlines)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert re.search(r"zone 6 surgical scar \(scar\): \d\.\d cm², 100 impressions/cm²", text)
    assert re.search(r"zone 7 mole \(exclusion\): 0\.\d cm², nothing placed", text)
    assert "of scar 'surgical scar' lies outside the treated region" in text  # on the forehead
    design = load_plan(plan_dir).design
    assert design is not None
    assert [z.kind for z in design.zones[-2:]] == ["scar", "exclusion"]
    before = (plan_dir / "plan.json").read_bytes()
    mole["points_px"] = [[230, 60], [240, 60], [240, 90], [230, 90]]  # across the scar
    outlines.write_text(json.dumps({"outlines": [scar, mole]}))
    result = CliRunner().invoke(app, ["design", str(plan_dir), "--outlines", str(outlines)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert re.search(
        r"zones 6 \(scar 'surgical scar'\) and 7 \(exclusion 'mole'\) overlap by 0\.\d\d cm²", text
    )
    outlines.write_text('{"outlines": [')
    result = CliRunner().invoke(app, ["design", str(plan_dir), "--outlines", str(outlines)])
    assert result.exit_code == 2
    assert "not a JSON outlines file" in " ".join(result.output.split())
    assert (plan_dir / "plan.json").read_bytes() == before  # nothing written


def test_smp_design_places_the_hairline_by_the_facial_thirds(
    example_plan_dir: Path, tmp_path: Path
) -> None:
    plan_dir = tmp_path / "plan"
    shutil.copytree(example_plan_dir, plan_dir)
    (middle_third,) = [v.middle_third_mm for v in load_plan(plan_dir).views]
    assert middle_third is not None and 55.0 < middle_third < 65.0
    result = CliRunner().invoke(app, ["design", str(plan_dir), "--mfp-from", "facial-thirds"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    plan = load_plan(plan_dir)
    assert plan.head is not None
    arc = facial_thirds_mfp_above_glabella_mm(plan.head, middle_third)
    assert (
        f"crosses the midline {arc:.0f} mm above mid-glabella along the forehead "
        "(the facial thirds)" in text
    )
    both = ["design", str(plan_dir), "--mfp-from", "facial-thirds", "--mfp-above-glabella", "80"]
    result = CliRunner().invoke(app, both)
    assert result.exit_code == 2
    assert "give a mid-frontal height or the facial thirds, not both" in result.output


def test_a_juvenile_height_warns_for_a_client_whose_hairline_has_matured(head, chart) -> None:
    """72.5 mm (the rule of 8's 80 less half the 15 mm juvenile offset) divides the two."""
    asked = 70.0  # inside the 7–10 cm rule, at juvenile height
    for age, warned in ((45.0, True), (30.0, True), (24.0, False), (None, False)):
        design = default_design(head, mfp_above_glabella_mm=asked, client_age_years=age)
        findings = {f.code: f for f in check_design(head, design, chart=chart)}
        assert ("hairline_juvenile" in findings) == warned, age
        if warned:
            finding = findings["hairline_juvenile"]
            assert finding.distance_mm == pytest.approx(72.5 - asked, abs=DISTANCE_TOLERANCE_MM)
            assert f"a client of {age:g} years" in finding.message
    mature = default_design(head, client_age_years=45.0)  # the rule of 8 itself: 80 mm
    assert check_design(head, mature, chart=chart) == ()
