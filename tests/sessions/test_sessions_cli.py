"""``smp sessions``, ``touch-up``, ``follow-up`` and ``screen`` from the command line."""

import datetime as dt
import json
import shutil
from pathlib import Path

import cv2
import icalendar
import numpy as np
import pytest
from typer.testing import CliRunner

from smpstudio.cli import app
from smpstudio.core import load_plan

runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture()
def plan_dir(example_plan_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(example_plan_dir, folder)
    return folder


def test_sessions_writes_plan_document_figure_and_calendar(plan_dir: Path) -> None:
    before = load_plan(plan_dir).pattern
    result = runner.invoke(
        app,
        [
            "sessions",
            str(plan_dir),
            "--start",
            "2027-01-04",
            "--set",
            "epidermal_veil_fraction=0.35",
        ],
    )
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert "session 1: " in out and "2027-01-04 – 2027-01-04" in out
    assert "touch-up forecast, average sun (1): after" in out
    assert "outside the 2–6 years" not in out
    assert "epidermal_veil_fraction = 0.35 fraction (edited)" in out
    plan = load_plan(plan_dir)
    assert plan.edited_defaults == {"epidermal_veil_fraction": 0.35}
    assert np.array_equal(plan.pattern.positions_mm, before.positions_mm)
    doc = json.loads((plan_dir / "sessions" / "sessions.json").read_text())
    assert [s["impression_count"] for s in doc["sessions"]] == np.bincount(
        plan.pattern.session
    ).tolist()
    look = doc["sessions"][2]["look"]
    assert look["fresh"]["diameter_mm"] == pytest.approx(
        2 * look["healed"]["diameter_mm"], abs=0.002
    )
    assert len(look["years"]) == 11 and look["years"][10]["lab"][0] > look["years"][0]["lab"][0]
    assert doc["model"]["veil_fraction"]["value"] == 0.35
    assert doc["model"]["retained_fraction"]["source"].startswith("domain.md §6.1")
    assert doc["model"]["stock_optical_depth"]["source"] == "unsourced"
    figure = cv2.imread(str(plan_dir / "sessions" / "shade-and-fading.png"))
    assert figure.shape == (460, 1100, 3)
    calendar = icalendar.Calendar.from_ical((plan_dir / "sessions" / "aftercare.ics").read_bytes())
    starts = sorted(e.decoded("dtstart") for e in calendar.walk("VEVENT"))
    assert starts[0] == dt.date(2027, 1, 4)
    # 30 days without pools after the final session's first possible day (2027-01-24)
    assert starts[-1] == dt.date(2027, 1, 24) + dt.timedelta(days=30)
    sheet = (plan_dir / "sessions" / "aftercare.txt").read_text()
    assert "not a treatment for hair loss" in sheet and "Sunday 24 January 2027" in sheet


def test_sessions_refuses_a_default_of_another_stage(plan_dir: Path) -> None:
    result = runner.invoke(app, ["sessions", str(plan_dir), "--set", "needle_dwell_ms=5"])
    assert result.exit_code == 2
    assert "needle_dwell_ms: not a default of the sessions stage" in _flat(result.output)
    result = runner.invoke(app, ["sessions", str(plan_dir), "--hair-lab", "140,0,0"])
    assert result.exit_code == 2 and "L* must be 0–100" in _flat(result.output)


def test_touch_up_lists_impressions_without_changing_the_sessions(plan_dir: Path) -> None:
    before = load_plan(plan_dir)
    result = runner.invoke(app, ["touch-up", str(plan_dir), "--date", "2031-03-01"])
    assert result.exit_code == 0, result.output
    plan = load_plan(plan_dir)
    assert np.array_equal(plan.pattern.session, before.pattern.session)
    assert plan.sessions == before.sessions
    (t,) = plan.touch_ups
    assert t.date == "2031-03-01" and len(t.impression_ids) == len(plan.pattern)
    bad = runner.invoke(app, ["touch-up", str(plan_dir), "--date", "2031-03-01", "--zone", "nope"])
    assert bad.exit_code == 2 and "no zone 'nope' in the design" in _flat(bad.output)


def test_follow_up_with_a_photo_too_coarse_for_the_dots(plan_dir: Path) -> None:
    photo = plan_dir / "photos" / "front.jpg"
    result = runner.invoke(app, ["follow-up", str(plan_dir), str(photo), "--date", "2027-02-01"])
    assert result.exit_code == 2
    assert "px across (need 1 px on bare scalp" in _flat(result.output)
    assert load_plan(plan_dir).revisions == ()  # nothing written


def test_screen(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps({"date_of_birth": "1980-05-17", "isotretinoin_last_dose": "2026-09-01"})
    )
    result = runner.invoke(app, ["screen", str(answers), "--on", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert "decision: wait until 2027-03-01" in _flat(result.output)
    answers.write_text(json.dumps({"date_of_birth": "1980-05-17", "shoe_size": 44}))
    result = runner.invoke(app, ["screen", str(answers)])
    assert result.exit_code == 2 and "field 'shoe_size': unknown question" in _flat(result.output)
    answers.write_text(json.dumps({"date_of_birth": "17/05/1980"}))
    result = runner.invoke(app, ["screen", str(answers)])
    assert result.exit_code == 2 and "field 'date_of_birth'" in _flat(result.output)


def test_forecast_outside_the_consensus_is_flagged(plan_dir: Path) -> None:
    # black hair on this skin takes stock pigment, which the model saturates: it forecasts
    # fading far slower than practitioners report, and says so
    result = runner.invoke(app, ["sessions", str(plan_dir), "--hair-lab", "20,2,2"])
    assert result.exit_code == 0, result.output
    doc = json.loads((plan_dir / "sessions" / "sessions.json").read_text())
    average = doc["touch_up_forecast"][1]
    assert average["years"] > 6 and average["within_consensus"] is False
    assert "outside the 2–6 years practitioners report" in _flat(result.output)
