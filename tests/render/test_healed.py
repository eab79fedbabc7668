"""The healed-look preview core on the bundled example: dots by session, fresh, faded."""

from pathlib import Path

import numpy as np
import pytest

from smpstudio.analysis import read_photo
from smpstudio.core import load_plan
from smpstudio.errors import PlanValidationError
from smpstudio.pigment import OpticalModel, load_catalogue
from smpstudio.render import healed_preview, session_reflectance


@pytest.fixture(scope="module")
def scene(example_plan_dir: Path):
    plan = load_plan(example_plan_dir)
    image, _ = read_photo(example_plan_dir / plan.views[0].image_file)
    return plan, image, load_catalogue(), OpticalModel()


def _darkening(before: np.ndarray, after: np.ndarray) -> int:
    return int((before.astype(int) - after.astype(int)).sum())


def test_session_reflectance_follows_the_shades(scene) -> None:
    plan, _, catalogue, model = scene
    skin = plan.views[0].skin_lab
    healed = session_reflectance(plan.sessions, catalogue, skin, model)
    fresh = session_reflectance(plan.sessions, catalogue, skin, model, fresh=True)
    faded = session_reflectance(plan.sessions, catalogue, skin, model, years=5.0)
    assert np.all((healed > 0) & (healed < 1))
    assert np.all(healed[0] > healed[1])  # session 1 is the lightest
    assert np.all(fresh < healed) and np.all(faded > healed)


def test_more_sessions_darken_more_and_only_the_head(scene) -> None:
    plan, image, catalogue, model = scene
    view = plan.views[0]
    outs = [
        healed_preview(
            image, view, plan.head, plan.pattern, plan.sessions, catalogue, model, sessions_done=k
        )
        for k in (1, 2, 3)
    ]
    totals = [_darkening(image, out) for out in outs]
    assert 0 < totals[0] < totals[1] < totals[2]
    for out in outs:
        changed = np.any(out != image, axis=2)
        assert not np.any(changed & view.masks["background"])
        assert np.all(out.astype(int) <= image.astype(int))  # dots only darken
    again = healed_preview(
        image, view, plan.head, plan.pattern, plan.sessions, catalogue, model, sessions_done=3
    )
    assert np.array_equal(again, outs[2])  # deterministic for a seed


def test_fresh_session_is_darker_and_faded_is_lighter(scene) -> None:
    plan, image, catalogue, model = scene
    view = plan.views[0]
    args = (image, view, plan.head, plan.pattern, plan.sessions, catalogue, model)
    healed = _darkening(image, healed_preview(*args, sessions_done=1))
    fresh = _darkening(image, healed_preview(*args, sessions_done=1, fresh=True))
    faded = _darkening(image, healed_preview(*args, sessions_done=1, years=8.0))
    assert fresh > 3 * healed and faded < healed


def test_needs_a_registered_view_of_the_right_size(scene) -> None:
    plan, image, catalogue, model = scene
    with pytest.raises(PlanValidationError, match="image is 10x10 px"):
        healed_preview(
            image[:10, :10], plan.views[0], plan.head, plan.pattern, plan.sessions, catalogue, model
        )
