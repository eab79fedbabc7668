"""Print how far the grey-edge white balance strays on balanced portraits and under casts.

Run from the repository root: ``.venv/bin/python scripts/white_balance_spread.py``. It uses
the 18 congress portraits in ``../shared/data/photos/congress`` when that folder is there,
else the photos in ``tests/data/photos``. Per photo it prints the estimated cast of the photo
as taken (studio portraits: close to neutral), and the angular error of the estimate after a
warm and a cool cast of known colour.
"""

from pathlib import Path

import numpy as np

from smpstudio.analysis import (
    detect_face,
    face_mesh,
    linear_to_srgb,
    plain_background_mask,
    read_photo,
    segment_hair,
    srgb_to_linear,
)
from smpstudio.analysis._white_balance import estimate_white_balance

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "photos" / "congress"
CASTS = {"warm": (1.25, 1.0, 0.7), "cool": (0.8, 1.0, 1.3)}


def angle_deg(a: np.ndarray, b: np.ndarray) -> float:
    """Angle between two RGB directions, degrees."""
    cosine = float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))


def main() -> None:
    folder = SHARED if SHARED.is_dir() else ROOT / "tests" / "data" / "photos"
    print(f"photos: {folder}")
    print(f"{'photo':<10}{'cast as taken':>14}{'error warm':>12}{'error cool':>12}")
    as_taken, errors = [], []
    for path in sorted(folder.glob("*.jpg")):
        image, _ = read_photo(path)
        face = detect_face(image)
        if face is None:
            continue
        background = plain_background_mask(image)
        skin = segment_hair(image, face_mesh(image, face).landmarks_px, background).skin
        cast = estimate_white_balance(image, background, skin).cast_deg
        assert cast is not None
        row = [cast]
        for gains in CASTS.values():
            linear = srgb_to_linear(image / 255.0) * np.asarray(gains)
            tinted = np.round(linear_to_srgb(linear) * 255).astype(np.uint8)
            balance = estimate_white_balance(tinted, background, skin)
            found = np.linalg.solve(balance.matrix, np.ones(3))
            row.append(angle_deg(found, np.asarray(gains)))
        as_taken.append(row[0])
        errors.extend(row[1:])
        print(f"{path.stem:<10}{row[0]:>14.1f}{row[1]:>12.1f}{row[2]:>12.1f}")
    print(
        f"as taken: median {np.median(as_taken):.1f}°, worst {max(as_taken):.1f}°; "
        f"under a cast: median error {np.median(errors):.1f}°, worst {max(errors):.1f}°"
    )


if __name__ == "__main__":
    main()
