"""Print how well a head fitted to one front photo matches heads of known shape.

Run from the repository root: ``.venv/bin/python scripts/head_fit_accuracy.py [n]``.
The photos are renders, not photos: heads of known shape — ICT-FaceKit identities with
random coefficients on all 100 modes (the fit uses the first 20), and the Lee Perry-Smith
scan (CC BY 3.0; no units: scaled to the ANSUR II male mean head breadth, and placed in the
head frame by our own scan alignment) — seen from the front by a known 85 mm-equivalent
camera 700 mm away, shaded like bare skin on a studio backdrop. Each render goes through the
photo analysis, then the fit, twice: with the true interpupillary distance (geometry alone)
and with the ANSUR II mean and spread (the whole error). Figures: scalp surface error (the
distance from the true scalp's vertices to the fitted surface; mean and 95th percentile,
mm), camera centre error (mm), landmark reprojection RMS (px), scalp area error; beside the
ANSUR ellipsoid registered by the same five points.
"""

import dataclasses
import sys
from pathlib import Path

import numpy as np

from smpstudio.analysis import analyse_photo
from smpstudio.core import HeadModel
from smpstudio.domain import ANSUR_MALE
from smpstudio.head import (
    distance_to_surface_mm,
    fit_ellipsoid_head,
    fit_head_to_front_view,
    head_from_scan,
    ict_identity_basis,
    load_scan,
    mark_scalp,
    mm_per_unit_for_head_breadth,
    register_frontal_view,
)
from smpstudio.render import portrait_camera, render_camera_view

ROOT = Path(__file__).resolve().parents[1]
LPS = ROOT / "tests" / "data" / "meshes" / "LeePerrySmith.glb"
WIDTH, HEIGHT = 600, 800
CAMERA = portrait_camera(WIDTH, HEIGHT)
FOCAL_PX = CAMERA.fx_px


def _lee_perry_smith() -> tuple[HeadModel, float]:
    scale = mm_per_unit_for_head_breadth(LPS, ANSUR_MALE.head_breadth_mm)
    scanned = head_from_scan(load_scan(LPS, mm_per_unit=scale))
    assert scanned.face_points_mm is not None
    eyes = scanned.face_points_mm[:2]
    return scanned.head, float(np.linalg.norm(eyes[1] - eyes[0]))


def _scalp_error(truth: HeadModel, fitted: HeadModel) -> tuple[float, float]:
    scalp = truth.vertices_mm[np.unique(truth.faces[truth.scalp_faces])]
    d = distance_to_surface_mm(fitted, scalp)
    return float(d.mean()), float(np.percentile(d, 95))


def _row(name: str, truth: HeadModel, ipd_mm: float) -> None:
    image, _ = render_camera_view(truth, CAMERA, WIDTH, HEIGHT)
    view = analyse_photo(image, name="front", image_file="render.png", image_sha256="0" * 64)
    view = dataclasses.replace(view, focal_px=FOCAL_PX)
    if view.landmarks_px is None:
        print(f"{name:<14} no face found in the render")
        return
    for label, ipd, sd in (
        ("true scale", ipd_mm, 0.5),
        (
            "prior scale",
            ANSUR_MALE.interpupillary_breadth_mm,
            ANSUR_MALE.interpupillary_breadth_sd_mm,
        ),
    ):
        head, registered, fit = fit_head_to_front_view(
            view, interpupillary_mm=ipd, interpupillary_sd_mm=sd
        )
        assert registered.camera is not None
        mean, p95 = _scalp_error(truth, head)
        area = head.scalp_area_mm2 / truth.scalp_area_mm2 - 1
        camera = float(np.linalg.norm(registered.camera.centre_mm - CAMERA.centre_mm))
        ellipsoid = register_frontal_view(view, interpupillary_mm=ipd)
        assert ellipsoid.camera is not None
        e_mean, e_p95 = _scalp_error(truth, fit_ellipsoid_head())
        e_camera = float(np.linalg.norm(ellipsoid.camera.centre_mm - CAMERA.centre_mm))
        print(
            f"{name:<14}{label:<12}{mean:>6.2f}{p95:>6.2f}{camera:>8.1f}"
            f"{fit.landmark_rms_px:>7.2f}{area:>+8.1%}   ellipsoid {e_mean:>5.2f}{e_p95:>6.2f}"
            f"{e_camera:>7.1f}"
        )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    print("renders of known heads, one front camera (not photos)")
    print(f"{'head':<14}{'scale':<12}{'mean':>6}{'p95':>6}{'camera':>8}{'lm px':>7}{'area':>8}")
    basis = ict_identity_basis()
    rng = np.random.default_rng(20261125)
    for i in range(count):
        vertices = basis.vertices(rng.normal(0.0, 1.0, 100))
        truth = HeadModel(vertices, basis.faces, mark_scalp(vertices, basis.faces), "ICT")
        five = basis.five_points(vertices)
        _row(f"ICT {i}", truth, float(np.linalg.norm(five[1] - five[0])))
    _row("Lee Perry-Smith", *_lee_perry_smith())


if __name__ == "__main__":
    main()
