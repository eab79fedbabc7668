"""Print how consistently a head is fitted to real front photos.

Run from the repository root: ``.venv/bin/python scripts/head_fit_consistency.py``.
No real photo here comes with its head's true shape, so this measures consistency, not
accuracy: each congress portrait (public domain, 450 × 550 px) is fitted from the front
view alone with the population's interpupillary distance, and again from three copies of
it — mirrored (its fit mirrored back), scaled to 80 % and cropped by 5 % a side. Columns:
how far the copies' fitted scalps lie from the original's (mean and worst copy's mean, and
the worst 95th percentile, mm); the original fit's head breadth and length (mm), its front
view's outline and five-point RMS (px) and its stated scalp uncertainty (mean SD, mm).
"""

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from smpstudio._typing import ImageRGB
from smpstudio.analysis import analyse_photo, read_photo
from smpstudio.core import HeadModel
from smpstudio.domain import ANSUR_MALE
from smpstudio.head import HeadFit, distance_to_surface_mm, fit_head_to_views

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ROOT.parent / "shared" / "data" / "photos" / "congress"


def _fit(image: ImageRGB, name: str) -> tuple[HeadModel, HeadFit] | None:
    view = analyse_photo(image, name=name, image_file=f"{name}.jpg", image_sha256="0" * 64)
    if view.landmarks_px is None:
        return None
    head, _, fit = fit_head_to_views(
        [view],
        interpupillary_mm=ANSUR_MALE.interpupillary_breadth_mm,
        interpupillary_sd_mm=ANSUR_MALE.interpupillary_breadth_sd_mm,
    )
    return head, fit


def _copies(image: ImageRGB) -> Iterator[tuple[str, ImageRGB]]:
    h, w = image.shape[:2]
    yield "mirrored", np.ascontiguousarray(image[:, ::-1])
    small = cv2.resize(image, (int(w * 0.8), int(h * 0.8)), interpolation=cv2.INTER_AREA)
    yield "80 %", np.asarray(small, dtype=np.uint8)
    crop = image[int(h * 0.05) : int(h * 0.95), int(w * 0.05) : int(w * 0.95)]
    yield "cropped", np.ascontiguousarray(crop)


def _mirrored(head: HeadModel) -> HeadModel:
    vertices = head.vertices_mm * np.array([-1.0, 1.0, 1.0])
    return HeadModel(vertices, head.faces[:, ::-1], head.scalp_faces, head.source)


def main() -> None:
    print("real front photos, fitted alone with the population interpupillary distance")
    print(
        f"{'photo':<10}{'copies mean':>12}{'worst':>7}{'p95':>7}{'breadth':>9}{'length':>8}"
        f"{'ol px':>7}{'lm px':>7}{'sd mm':>7}"
    )
    means = []
    for path in sorted(PHOTOS.glob("*.jpg")):
        image, _ = read_photo(path)
        fitted = _fit(image, path.stem)
        if fitted is None:
            print(f"{path.stem:<10} no face found")
            continue
        head, fit = fitted
        scalp = head.vertices_mm[np.unique(head.faces[head.scalp_faces])]
        distances = []
        for label, copy in _copies(image):
            again = _fit(copy, f"{path.stem}-{label}")
            if again is None:
                continue
            other = _mirrored(again[0]) if label == "mirrored" else again[0]
            distances.append(distance_to_surface_mm(other, scalp))
        per_copy = [float(d.mean()) for d in distances]
        means.append(np.mean(per_copy))
        front = fit.views[0]
        print(
            f"{path.stem:<10}{np.mean(per_copy):>12.2f}{max(per_copy):>7.2f}"
            f"{max(float(np.percentile(d, 95)) for d in distances):>7.2f}"
            f"{fit.head_breadth_mm:>9.0f}{fit.head_length_mm:>8.0f}{front.outline_rms_px:>7.1f}"
            f"{front.landmark_rms_px or 0.0:>7.1f}{fit.scalp_sd_mm[0]:>7.1f}"
        )
    print(f"median over photos of the copies' mean distance: {np.median(means):.2f} mm")


if __name__ == "__main__":
    main()
