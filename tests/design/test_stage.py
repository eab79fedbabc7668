import pytest

from smpstudio.core import HairCoverage
from smpstudio.design import choose_hairline_preset, estimate_hair_loss_stage
from smpstudio.domain import DEFAULTS

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


def test_probabilities_weigh_unseen_readings_equally_and_sum_to_one() -> None:
    stage = estimate_hair_loss_stage(_coverage(BARE, BARE, None, None), "male")
    # top and crown unseen: 9 equally likely readings give III 1, IV 4, V 3, VI–VII 1
    expected = {"III": 1 / 9, "IV": 4 / 9, "V": 3 / 9, "VI–VII": 1 / 9}
    assert stage.probabilities == pytest.approx(expected, abs=0.01)
    assert stage.most_likely == "IV" and stage.confidence == pytest.approx(4 / 9, abs=0.01)
    assert stage.preset is None  # below the 60 % that chooses a preset
    assert sum(stage.probabilities.values()) == pytest.approx(1.0, abs=0.01)


def test_a_reading_near_a_threshold_lowers_the_confidence() -> None:
    clear = estimate_hair_loss_stage(_coverage(BARE, BARE, BARE, BARE), "male")
    assert clear.stages == ("VI–VII",) and clear.confidence > 0.97
    # the crown measured right at the bare/thin threshold: half bare, half thin
    threshold = DEFAULTS["hair_bare_below_fraction"].value
    borderline = estimate_hair_loss_stage(_coverage(BARE, BARE, BARE, threshold), "male")
    assert borderline.probabilities["VI–VII"] == pytest.approx(0.5, abs=0.02)
    assert borderline.probabilities["V"] == pytest.approx(0.5, abs=0.02)


@pytest.mark.parametrize(
    ("coverage", "sex", "preset"),
    [
        ((FULL, FULL, FULL, FULL), "male", ("natural", "juvenile")),
        ((FULL, BARE, FULL, FULL), "male", ("natural", "mature")),
        ((BARE, BARE, BARE, BARE), "male", ("soft", "mature")),
        ((FULL, FULL, THIN, THIN), "female", ("soft", "mature")),
    ],
)
def test_a_confident_stage_chooses_the_preset_and_a_choice_overrides_it(
    coverage, sex, preset
) -> None:
    stage = estimate_hair_loss_stage(_coverage(*coverage), sex)
    assert stage.preset == preset
    style, age, reason = choose_hairline_preset(stage)
    assert (style, age) == preset and reason.startswith(f"preset for {stage.scale} ")
    assert choose_hairline_preset(stage, style="defined", age="mature")[:2] == (
        "defined",
        "mature",
    )
    unsure = estimate_hair_loss_stage(_coverage(BARE, BARE, None, None), "male")
    assert choose_hairline_preset(unsure)[:2] == ("natural", "mature")


def test_a_client_past_hairline_maturation_gets_no_juvenile_preset() -> None:
    stage = estimate_hair_loss_stage(_coverage(FULL, FULL, FULL, FULL), "male")  # Norwood I
    assert choose_hairline_preset(stage, client_age_years=22.0)[1] == "juvenile"
    style, age, reason = choose_hairline_preset(stage, client_age_years=41.0)
    assert (style, age) == ("natural", "mature") and "the client is 41 (≥ 30 years)" in reason
    assert choose_hairline_preset(stage, age="juvenile", client_age_years=41.0)[1] == "juvenile"
