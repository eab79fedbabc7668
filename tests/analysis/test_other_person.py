"""A photo set that mixes two people is flagged by the faces' proportions."""

import json
import shutil
from pathlib import Path

import cv2
from typer.testing import CliRunner

from smpstudio.analysis import QUALITY_CHECKS
from smpstudio.cli import app
from smpstudio.core import load_plan

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"


def _analyse(folder: Path, tmp_path: Path) -> tuple[dict[str, dict[str, float]], str]:
    out = tmp_path / "plan"
    result = CliRunner().invoke(app, ["analyse", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    plan = load_plan(out)
    return {v.name: dict(v.quality_metrics) for v in plan.views}, " ".join(result.output.split())


def test_a_photo_of_someone_else_is_flagged(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    shutil.copyfile(PHOTOS / "D000616.jpg", folder / "a_front.jpg")
    shutil.copyfile(PHOTOS / "C000984.jpg", folder / "b_front.jpg")
    metrics, output = _analyse(folder, tmp_path)
    assert "another_person" not in metrics["a_front"]  # the first face is the reference
    assert metrics["b_front"]["another_person"] > QUALITY_CHECKS["another_person"].threshold
    assert "it may show someone else" in output
    report = json.loads((tmp_path / "plan" / "analysis" / "b_front.json").read_text())
    assert "another_person" in json.dumps(report)


def test_copies_of_one_face_are_not_flagged(tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    image = cv2.imread(str(PHOTOS / "D000616.jpg"))
    cv2.imwrite(str(folder / "a.jpg"), image)
    cv2.imwrite(str(folder / "b.png"), cv2.resize(image, None, fx=0.8, fy=0.8))
    cv2.imwrite(str(folder / "c.png"), image[:, ::-1])
    metrics, output = _analyse(folder, tmp_path)
    differences = [metrics[name]["another_person"] for name in ("b", "c")]
    assert 0.0 <= max(differences) < QUALITY_CHECKS["another_person"].threshold
    assert "someone else" not in output
