"""Face measures on the photos: the middle third (glabella to subnasale), and mid-glabella
and the lateral canthi that the hairline is drawn from."""

import hashlib
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from smpstudio.analysis import analyse_photo, read_photo
from smpstudio.cli import app
from smpstudio.core import load_plan

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"


def test_every_test_face_has_adult_face_measures() -> None:
    """Twelve official portraits: middle thirds of 50–80 mm (adult glabella–subnasale
    lengths); mid-glabella 10–25 mm above the pupils and on the midline within 4 mm; lateral
    canthi 75–100 mm apart, level with the pupils within 4 mm, and symmetric about the
    pupils' midpoint within 5 mm (a face is not exactly symmetric)."""
    thirds = {}
    points = {}
    for path in sorted(PHOTOS.glob("*.jpg")):
        image, _ = read_photo(path)
        view = analyse_photo(
            image,
            name=path.stem,
            image_file=path.name,
            image_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        )
        assert view.middle_third_mm is not None
        thirds[path.stem] = view.middle_third_mm
        assert view.face_points_mm is not None
        points[path.stem] = view.face_points_mm
    print({k: round(v, 1) for k, v in thirds.items()})
    print({k: {n: np.round(xy, 1).tolist() for n, xy in p.items()} for k, p in points.items()})
    for p in points.values():
        (gx, gy), (rx, ry), (lx, ly) = (
            p[n] for n in ("glabella", "right_lateral_canthus", "left_lateral_canthus")
        )
        assert 10.0 <= gy <= 25.0 and abs(gx) <= 4.0
        assert 75.0 <= lx - rx <= 100.0
        assert abs(lx + rx) <= 5.0 and max(abs(ry), abs(ly)) <= 4.0
    assert all(50.0 <= t <= 80.0 for t in thirds.values())
    assert 60.0 <= float(np.median(list(thirds.values()))) <= 70.0


def test_the_face_measures_survive_resizing_and_mirroring(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    image = cv2.imread(str(PHOTOS / "D000616.jpg"))
    shutil.copyfile(PHOTOS / "D000616.jpg", folder / "a.jpg")
    cv2.imwrite(str(folder / "b.png"), cv2.resize(image, None, fx=0.8, fy=0.8))
    cv2.imwrite(str(folder / "c.png"), image[:, ::-1])
    out = tmp_path / "plan"
    result = CliRunner().invoke(app, ["analyse", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    thirds = {v.name: v.middle_third_mm for v in load_plan(out).views}
    assert thirds["b"] == pytest.approx(thirds["a"], rel=0.03)
    assert thirds["c"] == pytest.approx(thirds["a"], rel=0.03)
    points = {v.name: v.face_points_mm for v in load_plan(out).views}
    a, b, c = points["a"], points["b"], points["c"]
    assert a is not None and b is not None and c is not None
    for name in a:
        assert b[name] == pytest.approx(a[name], abs=1.0)
    # mirrored: the client's sides swap and x changes sign
    swap = {"right_lateral_canthus": "left_lateral_canthus"}
    swap |= {v: k for k, v in swap.items()}
    for name, (x, y) in a.items():
        mx, my = c[swap.get(name, name)]
        assert (-mx, my) == pytest.approx((x, y), abs=1.5)  # the model is not mirror-exact
