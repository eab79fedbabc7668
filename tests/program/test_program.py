import dataclasses
from pathlib import Path

import numpy as np
import pytest

from smpstudio.core import load_plan
from smpstudio.errors import ProgramSafetyError
from smpstudio.program import (
    build_program,
    check_program_safety,
    order_for_travel,
    program_document,
    program_from_document,
    program_violations,
)


@pytest.fixture(scope="module")
def plan(example_plan_dir: Path):
    return load_plan(example_plan_dir)


def test_built_programs_pass_and_round_trip(plan) -> None:
    for session in plan.sessions:
        program = build_program(plan.pattern, session)
        assert program_violations(program, plan.head) == []
        again = program_from_document(program_document(program, plan_id="x"))
        assert np.array_equal(again.positions_mm, program.positions_mm)
        assert np.array_equal(again.impression_index, program.impression_index)


def test_order_shortens_travel_against_random_order(plan) -> None:
    program = build_program(plan.pattern, plan.sessions[0])
    steps = np.linalg.norm(np.diff(program.positions_mm, axis=0), axis=1).sum()
    shuffled = program.positions_mm[np.random.default_rng(0).permutation(len(program))]
    random_steps = np.linalg.norm(np.diff(shuffled, axis=0), axis=1).sum()
    assert steps < random_steps / 20
    assert sorted(order_for_travel(program.positions_mm).tolist()) == list(range(len(program)))


def test_safety_check_finds_each_violation(plan) -> None:
    good = build_program(plan.pattern, plan.sessions[0])
    lifted = good.positions_mm.copy()
    lifted[:3] += 0.5 * plan.pattern.normals[good.impression_index[:3]]
    flipped = good.approach.copy()
    flipped[5] *= -1
    crowded = good.positions_mm.copy()
    crowded[10] = crowded[11] + 0.05 * np.cross(good.approach[11], [0.0, 0.0, 1.0])
    cases = {
        "depth_setting_mm must be in (0, 1.5], got 2.5": dataclasses.replace(
            good, depth_setting_mm=2.5
        ),
        "3 target(s) lie off the head surface": dataclasses.replace(good, positions_mm=lifted),
        "1 approach vector(s) do not point into the skin": dataclasses.replace(
            good, approach=flipped
        ),
        "impression(s) are closer than 0.3 mm": dataclasses.replace(good, positions_mm=crowded),
    }
    for message, program in cases.items():
        with pytest.raises(
            ProgramSafetyError,
            match=message.replace("(", r"\(")
            .replace(")", r"\)")
            .replace("[", r"\[")
            .replace("]", r"\]"),
        ):
            check_program_safety(program, plan.head)


def test_target_off_the_scalp_is_refused(plan) -> None:
    good = build_program(plan.pattern, plan.sessions[0])
    off_scalp = plan.head.triangles_mm[~plan.head.scalp_faces].mean(axis=1)
    face = off_scalp[np.argmax(off_scalp[:, 2])]  # the tip of the nose, far from the scalp
    moved = good.positions_mm.copy()
    moved[0] = face
    problems = program_violations(dataclasses.replace(good, positions_mm=moved), plan.head)
    assert "1 target(s) lie outside the scalp region" in problems
