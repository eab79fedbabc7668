"""The face's middle third (glabella to subnasale) measured on the photos."""

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


def test_every_test_face_has_an_adult_middle_third() -> None:
    """Twelve official portraits: 50–80 mm each (adult glabella–subnasale lengths)."""
    thirds = {}
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
    print({k: round(v, 1) for k, v in thirds.items()})
    assert all(50.0 <= t <= 80.0 for t in thirds.values())
    assert 60.0 <= float(np.median(list(thirds.values()))) <= 70.0


def test_the_middle_third_survives_resizing_and_mirroring(tmp_path: Path) -> None:
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
