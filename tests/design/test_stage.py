import pytest

from smpstudio.core import HairCoverage
from smpstudio.design import estimate_hair_loss_stage

FULL, THIN, BARE = 0.9, 0.5, 0.05


def _coverage(front, temples, top, crown) -> tuple[HairCoverage, ...]:
    values = {
        "front": front,
        "left_temple": temples,
        "right_temple": temples,
        "top": top,
        "crown": crown,
        "left_side": FULL,
        "right_side": FULL,
        "back": FULL,
    }
    return tuple(
        HairCoverage(region, value, 0.0 if value is None else 0.8)
        for region, value in values.items()
    )


@pytest.mark.parametrize(
    ("front", "temples", "top", "crown", "stages"),
    [
        (FULL, FULL, FULL, FULL, ("I",)),
        (FULL, THIN, FULL, FULL, ("II",)),
        (FULL, BARE, FULL, FULL, ("III",)),
        (FULL, THIN, FULL, THIN, ("III vertex",)),
        (BARE, BARE, FULL, BARE, ("IV",)),
        (BARE, BARE, THIN, BARE, ("V",)),
        (BARE, BARE, BARE, BARE, ("VI–VII",)),
        (BARE, BARE, FULL, FULL, ("III",)),  # type A: the front recedes, the crown keeps hair
    ],
)
def test_each_norwood_description_gives_its_stage(front, temples, top, crown, stages) -> None:
    stage = estimate_hair_loss_stage(_coverage(front, temples, top, crown), "male")
    assert stage.scale == "Hamilton–Norwood" and stage.stages == stages and stage.decided


def test_unseen_regions_leave_every_stage_they_allow() -> None:
    # a front photo of a bald front: the top and crown are not seen (the bundled example)
    stage = estimate_hair_loss_stage(_coverage(BARE, BARE, None, None), "male")
    assert stage.stages == ("III", "IV", "V", "VI–VII") and not stage.decided
    assert stage.readings == {
        "front": "bare",
        "temples": "bare",
        "top": "not seen",
        "crown": "not seen",
    }
    # a full head seen from the front only: full, or loss at the vertex that it cannot see
    assert estimate_hair_loss_stage(_coverage(FULL, FULL, FULL, None), "male").stages == (
        "I",
        "III vertex",
    )


def test_ludwig_grades_the_crown_behind_a_kept_hairline() -> None:
    assert estimate_hair_loss_stage(_coverage(FULL, FULL, THIN, FULL), "female").stages == ("II",)
    assert estimate_hair_loss_stage(_coverage(FULL, FULL, FULL, BARE), "female").stages == ("III",)
    outside = estimate_hair_loss_stage(_coverage(BARE, BARE, BARE, BARE), "female")
    assert outside.scale == "Ludwig" and outside.stages == ()
