"""Hair coverage per scalp region, from real photos registered to the head."""

import dataclasses
import shutil
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from smpstudio import workflow
from smpstudio.cli import app
from smpstudio.core import HairCoverage, Plan, load_plan, save_plan
from smpstudio.errors import PlanValidationError
from smpstudio.head import (
    MIN_SEEN_FRACTION,
    SCALP_REGIONS,
    fit_ellipsoid_head,
    hair_coverage,
    scalp_region_of_faces,
)
from tests.conftest import TEST_PHOTOS

FRONT_ONLY_UNSEEN = ("back", "crown", "left_side", "right_side")
"""Regions a single front photo cannot show."""


@cache
def _plan(photo: str, root: Path) -> Plan:
    folder = root / photo
    (folder / "in").mkdir(parents=True)
    shutil.copy(TEST_PHOTOS / photo, folder / "in" / "front.jpg")
    workflow.run_analyse(folder / "in", folder / "out")
    return workflow.run_head(folder / "out")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("coverage")


def _by_region(plan: Plan) -> dict[str, HairCoverage]:
    return {c.region: c for c in plan.hair_coverage}


def test_regions_split_the_scalp_symmetrically() -> None:
    head = fit_ellipsoid_head()
    region = scalp_region_of_faces(head)
    assert np.all((region >= 0) == head.scalp_faces)
    assert set(np.unique(region[region >= 0])) == set(range(len(SCALP_REGIONS)))
    t = head.triangles_mm
    area = 0.5 * np.linalg.norm(np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]), axis=1)
    for left, right in (("left_temple", "right_temple"), ("left_side", "right_side")):
        a = area[region == SCALP_REGIONS.index(left)].sum()
        b = area[region == SCALP_REGIONS.index(right)].sum()
        assert a == pytest.approx(b, rel=0.01)


@pytest.mark.parametrize(
    ("photo", "most"),
    [
        ("S001184.jpg", 0.05),
        ("D000616.jpg", 0.05),
        # the hair classifier still marks a shaded patch of his right temple as hair
        ("C000984.jpg", 0.15),
    ],
)
def test_bald_heads_show_almost_no_hair_where_seen(photo: str, most: float, root: Path) -> None:
    coverage = _by_region(_plan(photo, root))
    front = coverage["front"].hair_fraction
    assert front is not None and front <= 0.05
    for c in coverage.values():
        assert c.hair_fraction is None or c.hair_fraction <= most, c


@pytest.mark.parametrize("photo", ["C001080.jpg", "F000455.jpg"])
def test_full_hair_shows_on_top_and_temples(photo: str, root: Path) -> None:
    coverage = _by_region(_plan(photo, root))
    top = coverage["top"].hair_fraction
    assert top is not None and top >= 0.9
    for temple in ("left_temple", "right_temple"):
        fraction = coverage[temple].hair_fraction
        assert fraction is not None and fraction >= 0.6


@pytest.mark.parametrize("photo", ["S001184.jpg", "C001080.jpg"])
def test_regions_no_photo_shows_are_not_guessed(photo: str, root: Path) -> None:
    plan = _plan(photo, root)
    coverage = _by_region(plan)
    assert [c.region for c in plan.hair_coverage] == list(SCALP_REGIONS)
    for name in FRONT_ONLY_UNSEEN:
        assert coverage[name].hair_fraction is None
        assert coverage[name].seen_fraction < MIN_SEEN_FRACTION
    assert coverage["front"].views == ("front",)


def test_coverage_follows_the_masks(root: Path) -> None:
    plan = _plan("D000616.jpg", root)
    assert plan.head is not None
    view = plan.views[0]
    everywhere = dict(view.masks) | {"hair": view.masks["upper_head"].copy()}
    full = hair_coverage(plan.head, (dataclasses.replace(view, masks=everywhere),))
    for c in full:
        assert c.hair_fraction is None or c.hair_fraction == pytest.approx(1.0)
    # a view without a camera (not registered) shows nothing
    unregistered = hair_coverage(plan.head, (dataclasses.replace(view, camera=None),))
    assert all(c.hair_fraction is None and c.seen_fraction == 0 for c in unregistered)


def test_coverage_survives_the_plan_file(root: Path, tmp_path: Path) -> None:
    plan = _plan("C001080.jpg", root)
    save_plan(plan, tmp_path)
    assert load_plan(tmp_path).hair_coverage == plan.hair_coverage
    with pytest.raises(PlanValidationError, match="hair_fraction"):
        HairCoverage("top", 1.5, 0.5)


def test_smp_head_prints_coverage_and_not_seen(tmp_path: Path) -> None:
    photos = tmp_path / "in"
    photos.mkdir()
    shutil.copy(TEST_PHOTOS / "C001080.jpg", photos / "front.jpg")
    runner = CliRunner()
    assert runner.invoke(app, ["analyse", str(photos), "--out", str(tmp_path / "p")]).exit_code == 0
    result = runner.invoke(app, ["head", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert "crown: not seen (seen 0% by" in result.output
    top = next(line for line in result.output.splitlines() if line.strip().startswith("top:"))
    assert "hair covers" in top and "by front" in top
