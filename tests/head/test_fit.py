"""The head fitted to photos, on renders of heads of known shape.

The photos here are renders (ICT-FaceKit identities with random coefficients on all 100
modes, seen by known cameras), not photos: no real photo comes with its head's shape.
``scripts/head_fit_accuracy.py`` prints the full table, the Lee Perry-Smith scan included.
"""

import dataclasses
from functools import cache

import numpy as np
import pytest

from smpstudio.analysis import analyse_photo
from smpstudio.core import Camera, HeadModel, View
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head import (
    distance_to_surface_mm,
    fit_ellipsoid_head,
    fit_head_to_views,
    ict_identity_basis,
    mark_scalp,
    measure_head,
)
from smpstudio.render import render_camera_view, render_head_view, studio_camera

WIDTH, HEIGHT = 600, 800
MAX_LANDMARK_RMS_PX = 8.0
"""Five-point reprojection after the fit (measured 3–6 px: Face Mesh's pupils on a render
without eyeballs are guesses, against the model's eye-corner midpoints)."""
STUDIO = {"front": (0.0, 0.0), "left": (-80.0, 5.0), "right": (95.0, -4.0), "back": (170.0, 6.0)}
"""Camera directions (azimuth, elevation, degrees) of the multi-view renders: near each
side's nominal direction, not on it."""


@cache
def _identity(seed: int) -> HeadModel:
    basis = ict_identity_basis()
    vertices = basis.vertices(np.random.default_rng(seed).normal(0.0, 1.0, 100))
    return HeadModel(vertices, basis.faces, mark_scalp(vertices, basis.faces), "truth")


def _photo(truth: HeadModel, side: str, camera: Camera) -> View:
    image, _ = render_camera_view(truth, camera, WIDTH, HEIGHT)
    view = analyse_photo(
        image, name=side, image_file=f"{side}.png", image_sha256="0" * 64, view_kind=side
    )
    return dataclasses.replace(view, focal_px=camera.fx_px)


def _scalp_error(truth: HeadModel, fitted: HeadModel, above_mm: float = -np.inf) -> np.ndarray:
    scalp = truth.vertices_mm[np.unique(truth.faces[truth.scalp_faces])]
    return distance_to_surface_mm(fitted, scalp[scalp[:, 1] >= above_mm])


def _true_ipd(truth: HeadModel) -> float:
    five = ict_identity_basis().five_points(truth.vertices_mm)
    return float(np.linalg.norm(five[1] - five[0]))


@pytest.mark.parametrize("seed", [1, 3])
def test_head_fitted_to_a_front_photo_is_nearer_the_truth_than_the_ellipsoid(seed: int) -> None:
    truth = _identity(seed)
    camera = studio_camera(WIDTH, HEIGHT)
    view = _photo(truth, "front", camera)
    head, (registered,), fit = fit_head_to_views(
        [view], interpupillary_mm=_true_ipd(truth), interpupillary_sd_mm=0.5
    )
    fitted = _scalp_error(truth, head)
    ellipsoid = _scalp_error(truth, fit_ellipsoid_head())
    (front,) = fit.views
    print(
        f"identity {seed}: scalp error mean {fitted.mean():.2f} mm, p95 "
        f"{np.percentile(fitted, 95):.2f} (ellipsoid {ellipsoid.mean():.2f}, "
        f"{np.percentile(ellipsoid, 95):.2f}); landmarks {front.landmark_rms_px:.1f} px"
    )
    assert fitted.mean() < 0.6 * ellipsoid.mean()
    assert np.percentile(fitted, 95) < np.percentile(ellipsoid, 95)
    assert front.landmark_rms_px is not None and front.landmark_rms_px < MAX_LANDMARK_RMS_PX
    assert front.outline_rms_px < 3.0
    assert registered.camera is not None
    # the fitted camera looks at the head from the front, at about the true distance
    centre = registered.camera.centre_mm
    assert np.linalg.norm(centre - camera.centre_mm) < 0.06 * 700
    # the head is closed except at the neck: nothing shows through the eyes
    edges = np.sort(head.faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    assert (counts == 1).sum() < 0.02 * len(counts)
    # a single front view leaves the back of the head to the priors, and says so
    assert 0.5 < fit.scalp_sd_mm[0] < fit.scalp_sd_mm[1] < 20.0
    assert fit.tragion_sd_mm > 0 and fit.frame_rotation_sd_deg > 0


def test_a_taped_head_circumference_sizes_the_fitted_head() -> None:
    truth = _identity(0)
    taped = measure_head(truth.vertices_mm, truth.faces).head_circumference_mm
    view = _photo(truth, "front", studio_camera(WIDTH, HEIGHT))
    common = {"interpupillary_mm": 63.0, "interpupillary_sd_mm": 3.6}  # the population's
    untaped, _, _ = fit_head_to_views([view], **common)
    head, _, _ = fit_head_to_views([view], head_circumference_mm=taped, **common)
    fitted = measure_head(head.vertices_mm, head.faces).head_circumference_mm
    assert fitted == pytest.approx(taped, abs=8.0)
    # the tape goes round the cranium: above the forehead's scalp limit the taped head is
    # nearer the truth (1.87 against 2.23 mm); below it, at the temples and low sides, it is
    # not (3.9 against 3.0 mm), and over the whole scalp the two are equal within 0.01 mm
    cranium = DEFAULTS["scalp_front_lower_limit_above_frankfort_mm"].value
    errors = [_scalp_error(truth, fit, above_mm=cranium).mean() for fit in (head, untaped)]
    assert errors[0] < errors[1] - 0.2


def test_side_and_back_photos_are_registered_by_their_silhouettes() -> None:
    truth = _identity(3)
    cameras = {
        side: studio_camera(WIDTH, HEIGHT, azimuth_deg=azimuth, elevation_deg=elevation)
        for side, (azimuth, elevation) in STUDIO.items()
    }
    views = [_photo(truth, side, camera) for side, camera in cameras.items()]
    taped = measure_head(truth.vertices_mm, truth.faces).head_circumference_mm
    front_only = fit_head_to_views(
        views[:1],
        interpupillary_mm=_true_ipd(truth),
        interpupillary_sd_mm=0.5,
        head_circumference_mm=taped,
    )[2]
    head, registered, fit = fit_head_to_views(
        views,
        interpupillary_mm=_true_ipd(truth),
        interpupillary_sd_mm=0.5,
        head_circumference_mm=taped,
    )
    error = _scalp_error(truth, head)
    print(f"4 views: scalp error mean {error.mean():.2f} mm, p95 {np.percentile(error, 95):.2f}")
    assert error.mean() < 3.0 and np.percentile(error, 95) < 6.0
    assert abs(head.scalp_area_mm2 / truth.scalp_area_mm2 - 1) < 0.06
    assert fit.unregistered == ()
    assert [f.name for f in fit.views] == list(STUDIO)
    for view, result in zip(registered, fit.views, strict=True):
        assert view.camera is not None
        assert result.outline_rms_px < 3.0 and result.outline_samples > 40
        # the camera is on the right side of the head, about the right distance away
        centre = view.camera.centre_mm
        truth_centre = cameras[view.name].centre_mm
        turn = np.degrees(
            np.arccos(centre @ truth_centre / np.linalg.norm(centre) / np.linalg.norm(truth_centre))
        )
        assert turn < 30.0
        assert np.linalg.norm(centre) == pytest.approx(np.linalg.norm(truth_centre), rel=0.1)
    # more views, less doubt about the scalp
    assert fit.scalp_sd_mm[0] < front_only.scalp_sd_mm[0]


def test_a_view_without_a_face_cannot_be_fitted_alone() -> None:
    basis = ict_identity_basis()
    head = HeadModel(basis.neutral_mm, basis.faces, mark_scalp(basis.neutral_mm, basis.faces), "")
    image, _ = render_head_view(head, elev_deg=0, azim_deg=180, size_px=500, field_mm=300)
    view = analyse_photo(image, name="back", image_file="b.png", image_sha256="0" * 64)
    with pytest.raises(PlanValidationError, match="no view has face landmarks"):
        fit_head_to_views([view], interpupillary_mm=64.0, interpupillary_sd_mm=3.4)


def test_without_a_front_photo_the_head_falls_back_to_the_ellipsoid(tmp_path) -> None:
    import json
    import shutil

    from typer.testing import CliRunner

    from smpstudio.cli import app
    from smpstudio.core import load_plan
    from tests.conftest import EXAMPLE

    photos = tmp_path / "in"
    photos.mkdir()
    shutil.copy(EXAMPLE / "front.jpg", photos / "side.jpg")
    runner = CliRunner()
    out = tmp_path / "plan"
    analysed = runner.invoke(
        app, ["analyse", str(photos), "--out", str(out), "--view", "side=left"]
    )
    assert analysed.exit_code == 0, analysed.output
    result = runner.invoke(app, ["head", str(out)])
    assert result.exit_code == 0, result.output
    assert "not fitted to a photo: no front photo" in result.output
    record = json.loads((out / "head" / "fit.json").read_text())
    assert "ellipsoid" in record["head"] and "why_not_fitted" in record
    plan = load_plan(out)
    assert plan.head is not None and plan.head.source.startswith("ellipsoid")


def test_smp_head_takes_a_taped_circumference(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from smpstudio.cli import app
    from smpstudio.core import load_plan
    from tests.conftest import EXAMPLE

    runner = CliRunner()
    out = tmp_path / "plan"
    assert runner.invoke(app, ["analyse", str(EXAMPLE), "--out", str(out)]).exit_code == 0
    refused = runner.invoke(app, ["head", str(out), "--head-circumference", "58"])
    assert refused.exit_code == 2  # centimetres, not millimetres
    result = runner.invoke(app, ["head", str(out), "--head-circumference", "580"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "sized by head circumference 580 mm (taped)" in said
    assert "uncertainty: scalp ±" in said
    record = json.loads((out / "head" / "fit.json").read_text())
    assert record["head_circumference_mm"] == 580.0
    assert record["views"][0]["name"] == "front" and record["views"][0]["outline_rms_px"] < 3
    plan = load_plan(out)
    assert plan.head is not None
    taped = measure_head(plan.head.vertices_mm, plan.head.faces).head_circumference_mm
    assert taped == pytest.approx(580.0, abs=12.0)
