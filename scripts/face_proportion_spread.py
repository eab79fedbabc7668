"""Print how far face proportions differ between people, and between copies of one face.

Run from the repository root: ``.venv/bin/python scripts/face_proportion_spread.py``.
Different people: every pair of the 18 congress portraits (public domain). One face: each
portrait against itself resized to 70 %, turned 6°, cropped by 5 % a side, recompressed at
JPEG quality 50 and mirrored; and renders of ICT-FaceKit heads turned 15° or tilted 8°
against their frontal render. The measure is the one the ``another_person`` quality check
uses (:func:`smpstudio.analysis.flag_other_people`).
"""

import itertools
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from smpstudio._typing import ImageRGB
from smpstudio.analysis import QUALITY_CHECKS, detect_face, face_mesh, read_photo
from smpstudio.core import HeadModel
from smpstudio.head import ict_identity_basis, mark_scalp
from smpstudio.render import render_camera_view, studio_camera

ROOT = Path(__file__).resolve().parents[1]
PHOTOS = ROOT.parent / "shared" / "data" / "photos" / "congress"


def _proportions(image: ImageRGB) -> np.ndarray | None:
    found = detect_face(image)
    return None if found is None else np.array(face_mesh(image, found).proportions())


def _copies(image: ImageRGB) -> Iterator[ImageRGB]:
    h, w = image.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), 6.0, 1.0)
    _, jpeg = cv2.imencode(".jpg", image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 50])
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)
    assert decoded is not None
    for copy in (
        cv2.resize(image, (int(w * 0.7), int(h * 0.7)), interpolation=cv2.INTER_AREA),
        cv2.warpAffine(image, turn, (w, h), borderMode=cv2.BORDER_REPLICATE),
        image[int(h * 0.05) : int(h * 0.95), int(w * 0.05) : int(w * 0.95)],
        decoded[:, :, ::-1],
        image[:, ::-1],
    ):
        yield np.ascontiguousarray(copy, dtype=np.uint8)


def _rms(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2)))


def main() -> None:
    threshold = QUALITY_CHECKS["another_person"].threshold
    people, copies = [], []
    for path in sorted(PHOTOS.glob("*.jpg")):
        image, _ = read_photo(path)
        own = _proportions(image)
        assert own is not None, path
        people.append(own)
        copies += [_rms(own, p) for p in map(_proportions, _copies(image)) if p is not None]
    pairs = np.array([_rms(a, b) for a, b in itertools.combinations(people, 2)])
    basis = ict_identity_basis()
    rng = np.random.default_rng(3)
    turned = []
    for _ in range(6):
        vertices = basis.vertices(rng.normal(0.0, 1.0, 100))
        head = HeadModel(vertices, basis.faces, mark_scalp(vertices, basis.faces), "ICT")
        renders = [
            render_camera_view(
                head, studio_camera(600, 800, azimuth_deg=a, elevation_deg=e), 600, 800
            )[0]
            for a, e in ((0.0, 0.0), (15.0, 0.0), (-10.0, 8.0))
        ]
        front, *others = [_proportions(r) for r in renders]
        turned += [_rms(front, p) for p in others if front is not None and p is not None]
    print(
        f"different people ({len(pairs)} pairs): min {pairs.min():.3f}, median "
        f"{np.median(pairs):.3f}, max {pairs.max():.3f}; above {threshold}: "
        f"{np.mean(pairs > threshold):.0%}"
    )
    print(
        f"one photo's copies ({len(copies)}): max {max(copies):.3f}; above {threshold}: "
        f"{np.mean(np.array(copies) > threshold):.0%}"
    )
    print(
        f"renders of one head turned ({len(turned)}): max {max(turned):.3f}; above "
        f"{threshold}: {np.mean(np.array(turned) > threshold):.0%}"
    )


if __name__ == "__main__":
    main()
