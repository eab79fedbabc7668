import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial.transform import Rotation
from typer.testing import CliRunner

from smpstudio.cli import app
from smpstudio.core import load_plan
from smpstudio.errors import PlanValidationError, RegistrationError
from smpstudio.program import (
    ExecutionLog,
    ProgramSettings,
    build_program,
    deposited_pattern,
    read_execution_log,
    read_program_json,
    reconcile_log,
    register_fiducials,
    resume_program,
    write_execution_log,
)


@pytest.fixture(scope="module")
def plan(example_plan_dir: Path):
    return load_plan(example_plan_dir)


@pytest.fixture(scope="module")
def program(plan):
    built, _ = build_program(plan, plan.sessions[0], ProgramSettings.for_plan(plan), plan_id="p")
    return built


def _interrupted_log(program, stop: int) -> ExecutionLog:
    """The device ran to ``stop``: it skipped 100, fired 200 twice and missed 300 by 1 mm."""
    done = np.array([k for k in range(stop) if k != 100] + [200])
    done.sort()
    pos = program.positions_mm[done].copy()
    pos[done == 300] += [1.0, 0.0, 0.0]
    return ExecutionLog(done, program.impression_index[done], pos, np.arange(len(done)) * 0.3)


def test_registration_recovers_a_rigid_move(program) -> None:
    rotation = Rotation.from_euler("xyz", [3, -5, 20], degrees=True).as_matrix()
    shift = np.array([400.0, -120.0, 35.0])
    noise = np.random.default_rng(0).normal(0, 0.05, program.fiducials_mm.shape)
    measured = program.fiducials_mm @ rotation.T + shift + noise
    fit = register_fiducials(program, dict(zip(program.fiducial_names, measured, strict=True)))
    assert max(fit.residuals_mm.values()) < program.registration_tolerance_mm
    assert np.allclose(fit.device_from_head[:3, :3], rotation, atol=2e-3)
    moved = fit.apply(program.positions_mm[:10])
    assert np.abs(moved - (program.positions_mm[:10] @ rotation.T + shift)).max() < 0.2
    measured[1] += [2.0, 0.0, 0.0]  # one fiducial 2 mm off
    with pytest.raises(RegistrationError, match=program.fiducial_names[1]):
        register_fiducials(program, dict(zip(program.fiducial_names, measured, strict=True)))
    with pytest.raises(PlanValidationError, match="≥ 3"):
        register_fiducials(program, {"vertex": measured[0], "left tragion": measured[1]})


def test_reconcile_and_resume_an_interrupted_session(program) -> None:
    log = read_execution_log(write_execution_log(_interrupted_log(program, 5000)))
    found = reconcile_log(program, log)
    assert found.skipped.tolist() == [100]
    assert found.repeated.tolist() == [200]
    assert found.off_target.tolist() == [300]
    assert found.resume_from == 5000
    assert np.array_equal(found.pending, np.arange(5000, len(program)))
    assert len(found.done) == 5000 - 3
    rest = resume_program(program, found.resume_from)
    assert len(rest) == len(program) - 5000 and rest.redip_before[0]
    assert np.array_equal(rest.impression_index, program.impression_index[5000:])
    # the rest runs to the end: together the logs leave only the skipped one undone
    tail = np.arange(5000, len(program))
    second = ExecutionLog(
        tail, program.impression_index[tail], program.positions_mm[tail], tail * 0.3
    )
    both = ExecutionLog(
        *(
            np.concatenate([getattr(log, f), getattr(second, f)])
            for f in ("instruction", "impression", "positions_mm", "time_s")
        )
    )
    again = reconcile_log(program, both)
    assert again.skipped.tolist() == [100] and again.resume_from is None
    with pytest.raises(PlanValidationError, match="from_instruction"):
        resume_program(program, len(program))


def test_unknown_log_rows_are_reported(program) -> None:
    log = ExecutionLog(
        np.array([0, 10**7]),
        np.array([program.impression_index[1], 5]),
        np.zeros((2, 3)),
        np.zeros(2),
    )
    found = reconcile_log(program, log)
    assert found.unknown_rows.tolist() == [0, 1] and found.resume_from == 0


def test_malformed_log_is_refused() -> None:
    with pytest.raises(PlanValidationError, match="first line"):
        read_execution_log("a,b,c\n1,2,3\n")
    with pytest.raises(PlanValidationError, match="unreadable"):
        read_execution_log("instruction,impression,x_mm,y_mm,z_mm,time_s\n1,2,x,4,5,6\n")


def test_later_session_avoids_healed_impressions(plan) -> None:
    # whole units: a unit's dots are 0.35 mm apart, so a dot left out of a fired unit could
    # lie within the tolerance of a fired neighbour
    in_session = np.flatnonzero(plan.pattern.session == 1)
    first_units = plan.pattern.fu_id[in_session][:7]
    rows = in_session[np.isin(plan.pattern.fu_id[in_session], first_units)]
    healed = plan.pattern.positions_mm[rows] + [0.2, 0.0, 0.0]  # fired 0.2 mm off, within 0.5
    settings = ProgramSettings.for_plan(plan)
    program, avoided = build_program(
        plan, plan.sessions[1], settings, plan_id="p", healed_mm=healed
    )
    assert sorted(avoided.tolist()) == sorted(rows.tolist())
    assert not np.isin(rows, program.impression_index).any()
    assert program.ordering["avoided_healed"] == len(rows) >= 7


def test_deposit_follows_the_log(plan, program) -> None:
    log = _interrupted_log(program, 3000)
    deposit = deposited_pattern(plan.pattern, program, log)
    earlier = int((plan.pattern.session < 0).sum())
    assert len(deposit) == earlier + len(log.instruction)
    assert np.array_equal(deposit.positions_mm[earlier:], log.positions_mm)


def test_cli_log_resume_and_replay(example_plan_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(example_plan_dir, folder, ignore=shutil.ignore_patterns("preview"))
    program = read_program_json((folder / "programs" / "session-1.json").read_bytes())
    log_file = tmp_path / "device.csv"
    log_file.write_text(write_execution_log(_interrupted_log(program, 2000)))
    runner = CliRunner()
    imported = runner.invoke(app, ["program-log", str(folder), "1", str(log_file)])
    assert imported.exit_code == 0, imported.output
    text = " ".join(imported.output.split())
    assert "1997 done, 1 skipped" in text and "1 repeated, 1 off target" in text
    resumed = runner.invoke(app, ["program-resume", str(folder), "1"])
    assert resumed.exit_code == 0, resumed.output
    rest = read_program_json(
        (folder / "programs" / "resume" / "session-1-from-2000.json").read_bytes()
    )
    assert rest.impression_index[0] == program.impression_index[2000]
    replay = runner.invoke(app, ["program-replay", str(folder), "1"])
    assert replay.exit_code == 0, replay.output
    assert "min of machine time" in replay.output
    assert (folder / "programs" / "session-1-replay.png").stat().st_size > 10_000
    # the next session's program leaves out what was fired (none of session 2's spots here)
    again = runner.invoke(app, ["program", str(folder)])
    assert again.exit_code == 0, again.output
    bad = runner.invoke(app, ["program-resume", str(folder), "9"])
    assert bad.exit_code == 2 and "session must be in 1..3" in bad.output
