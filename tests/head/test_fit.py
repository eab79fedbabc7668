"""The head fitted to a front photo, on renders of heads of known shape.

The photos here are renders (ICT-FaceKit identities with random coefficients on all 100
modes, seen by a known camera), not photos: no real photo comes with its head's shape.
``scripts/head_fit_accuracy.py`` prints the full table, the Lee Perry-Smith scan included.
"""

import dataclasses

import numpy as np
import pytest

from smpstudio.analysis import analyse_photo
from smpstudio.core import HeadModel
from smpstudio.errors import PlanValidationError
from smpstudio.head import (
    distance_to_surface_mm,
    fit_ellipsoid_head,
    fit_head_to_front_view,
    ict_identity_basis,
    mark_scalp,
)
from smpstudio.render import portrait_camera, render_camera_view, render_head_view

WIDTH, HEIGHT = 600, 800
CAMERA = portrait_camera(WIDTH, HEIGHT)
FOCAL_PX = CAMERA.fx_px
MAX_LANDMARK_RMS_PX = 10.0
"""Five-point reprojection after the fit (measured 3–9 px: the five points are weighed
against the outline and the Face Mesh head pose)."""


def _scalp_error(truth: HeadModel, fitted: HeadModel) -> np.ndarray:
    scalp = truth.vertices_mm[np.unique(truth.faces[truth.scalp_faces])]
    return distance_to_surface_mm(fitted, scalp)


@pytest.mark.parametrize("identity", [0, 2])
def test_fitted_head_is_nearer_the_truth_than_the_ellipsoid(identity: int) -> None:
    basis = ict_identity_basis()
    rng = np.random.default_rng(20261125)
    coefficients = [rng.normal(0.0, 1.0, 100) for _ in range(identity + 1)][-1]
    vertices = basis.vertices(coefficients)
    truth = HeadModel(vertices, basis.faces, mark_scalp(vertices, basis.faces), "truth")
    image, _ = render_camera_view(truth, CAMERA, WIDTH, HEIGHT)
    view = analyse_photo(image, name="front", image_file="r.png", image_sha256="0" * 64)
    view = dataclasses.replace(view, focal_px=FOCAL_PX)
    five = basis.five_points(vertices)
    head, registered, fit = fit_head_to_front_view(
        view, interpupillary_mm=float(np.linalg.norm(five[1] - five[0])), interpupillary_sd_mm=0.5
    )
    fitted = _scalp_error(truth, head)
    ellipsoid = _scalp_error(truth, fit_ellipsoid_head())
    print(
        f"identity {identity}: scalp error mean {fitted.mean():.2f} mm, p95 "
        f"{np.percentile(fitted, 95):.2f} (ellipsoid {ellipsoid.mean():.2f}, "
        f"{np.percentile(ellipsoid, 95):.2f}); landmarks {fit.landmark_rms_px:.1f} px"
    )
    assert fitted.mean() < 0.8 * ellipsoid.mean()
    assert np.percentile(fitted, 95) < np.percentile(ellipsoid, 95)
    assert fit.landmark_rms_px < MAX_LANDMARK_RMS_PX
    assert registered.camera is not None
    # the fitted camera looks at the head from the front, at about the true distance
    centre = registered.camera.centre_mm
    assert centre[2] == pytest.approx(700.0, rel=0.15) and abs(centre[0]) < 30
    # the head is closed except at the neck: nothing shows through the eyes
    edges = np.sort(head.faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    assert (counts == 1).sum() < 0.02 * len(counts)


def test_a_view_without_a_face_cannot_be_fitted() -> None:
    basis = ict_identity_basis()
    head = HeadModel(basis.neutral_mm, basis.faces, mark_scalp(basis.neutral_mm, basis.faces), "")
    image, _ = render_head_view(head, elev_deg=0, azim_deg=180, size_px=500, field_mm=300)
    view = analyse_photo(image, name="back", image_file="b.png", image_sha256="0" * 64)
    with pytest.raises(PlanValidationError, match="no face landmarks"):
        fit_head_to_front_view(view, interpupillary_mm=64.0, interpupillary_sd_mm=3.4)


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
