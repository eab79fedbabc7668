"""Print how well heads fitted to photos match heads of known shape.

Run from the repository root: ``.venv/bin/python scripts/head_fit_accuracy.py [n]``.
The photos are renders, not photos: heads of known shape — ICT-FaceKit identities with
random coefficients on all 100 modes (the fit uses the first 20), and the Lee Perry-Smith
scan (CC BY 3.0, Lee Perry-Smith / Infinite-Realities; no units: scaled to the ANSUR II male
mean head breadth, and placed in the head frame by our own scan alignment) — seen by five
known cameras 600–800 mm away with an 85 mm-equivalent lens, shaded like bare skin on a
studio backdrop: in front, and to the left, right, back and top, each turned from its
side's nominal direction at random (10° SD in azimuth, 8° in elevation). Each render goes
through the photo analysis (its side declared, as the practitioner does), then the fit,
cameras unknown to it: from the front view alone and from all five, and each twice —
with the true scale (the true interpupillary distance and the head circumference a tape
would give) and with the scale from facial priors (the ANSUR II interpupillary mean and
spread, no tape: the whole error).

Columns: scalp surface error (distance from the true scalp's vertices to the fitted
surface; mean and 95th percentile, mm), scalp area error, front camera centre error (mm)
and turn (°), the other cameras' mean centre error and turn, the front view's five-point
reprojection RMS (px), the worst outline RMS of any view (px) and the fit's time (s).
"""

import dataclasses
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from smpstudio.analysis import analyse_photo
from smpstudio.core import Camera, HeadModel, View
from smpstudio.domain import ANSUR_MALE
from smpstudio.head import (
    distance_to_surface_mm,
    fit_head_to_views,
    head_from_scan,
    ict_identity_basis,
    load_scan,
    mark_scalp,
    measure_head,
    mm_per_unit_for_head_breadth,
)
from smpstudio.render import render_camera_view, studio_camera

ROOT = Path(__file__).resolve().parents[1]
LPS = ROOT / "tests" / "data" / "meshes" / "LeePerrySmith.glb"
WIDTH, HEIGHT = 600, 800
SIDES = {"front": (0.0, 0.0), "left": (-90.0, 0.0), "right": (90.0, 0.0), "back": (180.0, 0.0)}
TOP = ("top", (180.0, 90.0))
"""Nominal camera directions (azimuth, elevation, degrees); a top view has the forehead at
the top of the image."""


def _cameras(rng: np.random.Generator) -> dict[str, Camera]:
    cameras = {"front": studio_camera(WIDTH, HEIGHT)}
    for side, (azimuth, elevation) in [*list(SIDES.items())[1:], TOP]:
        turn, tilt = rng.normal(0.0, 10.0), rng.normal(0.0, 8.0)
        cameras[side] = studio_camera(
            WIDTH,
            HEIGHT,
            azimuth_deg=azimuth + turn,
            elevation_deg=elevation - abs(tilt) if elevation == 90.0 else elevation + tilt,
            distance_mm=rng.uniform(600.0, 800.0),
        )
    return cameras


def _lee_perry_smith() -> tuple[HeadModel, float]:
    scale = mm_per_unit_for_head_breadth(LPS, ANSUR_MALE.head_breadth_mm)
    scanned = head_from_scan(load_scan(LPS, mm_per_unit=scale))
    assert scanned.face_points_mm is not None
    eyes = scanned.face_points_mm[:2]
    return scanned.head, float(np.linalg.norm(eyes[1] - eyes[0]))


def _camera_error(fitted: Camera, truth: Camera) -> tuple[float, float]:
    centre = float(np.linalg.norm(fitted.centre_mm - truth.centre_mm))
    relative = fitted.camera_from_head.matrix[:3, :3] @ truth.camera_from_head.matrix[:3, :3].T
    return centre, float(np.degrees(np.linalg.norm(cv2.Rodrigues(relative)[0])))


def _rows(name: str, truth: HeadModel, ipd_mm: float, cameras: dict[str, Camera]) -> None:
    views: list[View] = []
    for side, camera in cameras.items():
        image, _ = render_camera_view(truth, camera, WIDTH, HEIGHT)
        view = analyse_photo(
            image, name=side, image_file=f"{side}.png", image_sha256="0" * 64, view_kind=side
        )
        views.append(dataclasses.replace(view, focal_px=camera.fx_px))
    if views[0].landmarks_px is None:
        print(f"{name:<16} no face found in the front render")
        return
    scalp = truth.vertices_mm[np.unique(truth.faces[truth.scalp_faces])]
    taped = measure_head(truth.vertices_mm, truth.faces).head_circumference_mm
    scales = {
        "true": (ipd_mm, 0.5, taped),
        "prior": (
            ANSUR_MALE.interpupillary_breadth_mm,
            ANSUR_MALE.interpupillary_breadth_sd_mm,
            None,
        ),
    }
    for label, used in (("front", views[:1]), ("5 views", views)):
        for scale, (ipd, ipd_sd, circumference) in scales.items():
            start = time.perf_counter()
            head, registered, fit = fit_head_to_views(
                used,
                interpupillary_mm=ipd,
                interpupillary_sd_mm=ipd_sd,
                head_circumference_mm=circumference,
            )
            seconds = time.perf_counter() - start
            d = distance_to_surface_mm(head, scalp)
            area = head.scalp_area_mm2 / truth.scalp_area_mm2 - 1
            errors = [
                _camera_error(v.camera, cameras[v.name]) for v in registered if v.camera is not None
            ]
            others = np.mean(errors[1:], axis=0) if len(errors) > 1 else (np.nan, np.nan)
            outline = max(f.outline_rms_px for f in fit.views)
            print(
                f"{name:<16}{label:<8}{scale:<6}{d.mean():>6.2f}{np.percentile(d, 95):>6.2f}"
                f"{area:>+7.1%}{errors[0][0]:>7.0f}{errors[0][1]:>5.1f}{others[0]:>7.0f}"
                f"{others[1]:>5.1f}{fit.views[0].landmark_rms_px:>6.1f}{outline:>6.1f}"
                f"{seconds:>6.1f}"
            )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    print("renders of known heads, five cameras unknown to the fit (not photos)")
    print(
        f"{'head':<16}{'views':<8}{'scale':<6}{'mean':>6}{'p95':>6}{'area':>7}"
        f"{'front':>7}{'°':>5}{'others':>7}{'°':>5}{'lm px':>6}{'ol px':>6}{'s':>6}"
    )
    basis = ict_identity_basis()
    rng = np.random.default_rng(20261125)
    for i in range(count):
        vertices = basis.vertices(rng.normal(0.0, 1.0, 100))
        truth = HeadModel(vertices, basis.faces, mark_scalp(vertices, basis.faces), "ICT")
        five = basis.five_points(vertices)
        _rows(f"ICT {i}", truth, float(np.linalg.norm(five[1] - five[0])), _cameras(rng))
    _rows("Lee Perry-Smith", *_lee_perry_smith(), _cameras(rng))
    print("Lee Perry-Smith head scan: Infinite-Realities, CC BY 3.0")


if __name__ == "__main__":
    main()
