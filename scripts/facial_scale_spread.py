"""Print the spread of the facial scale over real photos beside the population spread it assumes.

Run from the repository root: ``.venv/bin/python scripts/facial_scale_spread.py``. No photo
here comes with a measured scale, so the check is internal: two facial estimates of the same
photo's mm per pixel — from the interpupillary distance and from the iris diameter, each
with its ANSUR II / published population spread — should disagree, photo to photo, by no
more than their two spreads combined. Uses the 18 congress portraits in
``../shared/data/photos/congress`` when present, else ``tests/data/photos``.
"""

from pathlib import Path

import numpy as np

from smpstudio.analysis import (
    detect_face,
    face_mesh,
    read_photo,
    scale_from_eyes,
    scale_from_iris,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "photos" / "congress"


def main() -> None:
    folder = SHARED if SHARED.is_dir() else ROOT / "tests" / "data" / "photos"
    print(f"photos: {folder}")
    print(f"{'photo':<10}{'IPD mm/px':>11}{'iris mm/px':>12}{'ratio':>8}")
    ratios = []
    eyes = iris = None
    for path in sorted(folder.glob("*.jpg")):
        image, _ = read_photo(path)
        face = detect_face(image)
        if face is None:
            continue
        mesh = face_mesh(image, face)
        eyes = scale_from_eyes(mesh.five_points())
        iris = scale_from_iris(mesh.iris_diameters_px())
        ratios.append(iris.mm_per_px / eyes.mm_per_px)
        print(f"{path.stem:<10}{eyes.mm_per_px:>11.3f}{iris.mm_per_px:>12.3f}{ratios[-1]:>8.3f}")
    assert eyes is not None and iris is not None
    observed = float(np.std(np.log(ratios), ddof=1))
    assumed = float(np.hypot(eyes.relative_sd, iris.relative_sd))
    print(
        f"{len(ratios)} photos: iris/IPD ratio median {np.median(ratios):.3f}, spread (SD of "
        f"log ratio) {observed:.1%}; assumed: IPD {eyes.relative_sd:.1%} and iris "
        f"{iris.relative_sd:.1%} population spreads, together {assumed:.1%}"
    )


if __name__ == "__main__":
    main()
