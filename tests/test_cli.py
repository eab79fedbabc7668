import json
import shutil
from pathlib import Path

import cv2
import jsonschema
import numpy as np
import trimesh
from scipy.spatial import cKDTree
from typer.testing import CliRunner

from smpstudio.cli import app
from smpstudio.core import load_plan
from smpstudio.program import program_schema
from tests.conftest import EXAMPLE
from tests.tolerances import SURFACE_MM

runner = CliRunner()


def test_plan_writes_plan_previews_and_programs(example_plan_dir: Path) -> None:
    plan = load_plan(example_plan_dir)
    assert plan.pattern is not None and len(plan.pattern) > 10_000
    preview = cv2.imread(str(example_plan_dir / "preview" / "front.png"))
    assert preview is not None and preview.shape == (1100, 900, 3)
    programs = sorted((example_plan_dir / "programs").glob("session-*.json"))
    assert [p.name for p in programs] == ["session-1.json", "session-2.json", "session-3.json"]
    validator = jsonschema.Draft202012Validator(program_schema())
    for p in programs:
        validator.validate(json.loads(p.read_text()))


def test_programs_cover_every_impression_exactly_once(example_plan_dir: Path) -> None:
    plan = load_plan(example_plan_dir)
    assert plan.pattern is not None
    seen = []
    for k, p in enumerate(sorted((example_plan_dir / "programs").glob("session-*.json"))):
        doc = json.loads(p.read_text())
        index = np.array(doc["impressions"]["index"])
        seen.append(index)
        assert np.array_equal(
            np.array(doc["impressions"]["position_mm"]), plan.pattern.positions_mm[index]
        )
        assert np.all(plan.pattern.session[index] == k)
    everything = np.concatenate(seen)
    assert len(everything) == len(plan.pattern)
    assert np.array_equal(np.sort(everything), np.arange(len(plan.pattern)))


def test_every_impression_lies_on_the_head_surface(example_plan_dir: Path) -> None:
    """Oracle: trimesh's own closest-point-on-triangle, over the 24 nearest triangles."""
    plan = load_plan(example_plan_dir)
    assert plan.pattern is not None and plan.head is not None
    triangles = plan.head.vertices_mm[plan.head.faces]
    pts = plan.pattern.positions_mm
    _, candidates = cKDTree(triangles.mean(axis=1)).query(pts, k=24)
    best = np.full(len(pts), np.inf)
    for j in range(candidates.shape[1]):
        closest = trimesh.triangles.closest_point(triangles[candidates[:, j]], pts)
        best = np.minimum(best, np.linalg.norm(closest - pts, axis=1))
    assert best.max() <= SURFACE_MM
    # and the check can fail: lifted 0.05 mm along the normal, the points are off
    lifted = pts[:200] + 0.05 * plan.pattern.normals[:200]
    closest = trimesh.triangles.closest_point(triangles[candidates[:200, 0]], lifted)
    assert np.linalg.norm(closest - lifted, axis=1).min() > SURFACE_MM


def test_same_seed_gives_bit_identical_outputs(example_plan_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    result = runner.invoke(app, ["plan", str(EXAMPLE), "--out", str(out), "--seed", "7"])
    assert result.exit_code == 0, result.output
    files = sorted(
        p.relative_to(example_plan_dir) for p in example_plan_dir.rglob("*") if p.is_file()
    )
    assert files == sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    for f in files:
        assert (example_plan_dir / f).read_bytes() == (out / f).read_bytes(), f


def test_another_seed_gives_another_pattern_and_stages_print_unsourced_defaults(
    example_plan_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "other"
    for stage in (
        ["analyse", str(EXAMPLE), "--out", str(out), "--seed", "8"],
        ["head", str(out)],
        ["design", str(out)],
        ["pattern", str(out)],
    ):
        result = runner.invoke(app, stage)
        assert result.exit_code == 0, result.output
    a, b = load_plan(example_plan_dir).pattern, load_plan(out).pattern
    assert a is not None and b is not None
    assert not np.array_equal(a.positions_mm[:100], b.positions_mm[:100])
    # smp pattern's own outputs: the figures and the statistics they print
    text = " ".join(result.output.split())
    assert "closest two FU centres:" in text and "first 30 % of the FU order" in text
    # every stage prints the plan's unsourced defaults
    assert "unsourced defaults in this plan" in result.stdout
    assert "eye_forward_of_tragion_mm = 78 mm" in " ".join(result.stdout.split())
    stats = json.loads((out / "pattern" / "statistics.json").read_text())
    assert stats["closest_pair_spacings"] >= 0.85
    assert stats["largest_hole_spacings"] <= 1.5
    big = [z for z in stats["zones"] if z["area_cm2"] > 4.0]
    assert big and all(abs(z["unit_error"]) <= 0.03 for z in big)
    close_up = cv2.imread(str(out / "pattern" / "hairline-closeup.png"))
    assert close_up is not None and close_up.shape == (480, 800, 3)  # 40 × 24 mm at 20 px/mm
    for name in ("density.png", "pair-correlation.png"):
        assert cv2.imread(str(out / "pattern" / name)) is not None


def test_missing_folder_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = runner.invoke(app, ["plan", str(missing), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"error: {missing}: folder does not exist" in " ".join(result.stderr.split())


def test_unreadable_image_errors(tmp_path: Path) -> None:
    cases = {
        "notes.jpg": (b"meeting notes, not a photo", "not a decodable image file"),
        "cut.jpg": ((EXAMPLE / "front.jpg").read_bytes()[:5000], "damaged image data"),
    }
    for name, (data, message) in cases.items():
        photos = tmp_path / name.split(".")[0]
        photos.mkdir()
        (photos / name).write_bytes(data)
        out = tmp_path / f"out-{name}"
        result = runner.invoke(app, ["plan", str(photos), "--out", str(out)])
        assert result.exit_code == 2
        assert f"error: cannot read image {photos / name}: {message}" in " ".join(
            result.stderr.split()
        )
        assert not out.exists()


def test_malformed_plan_error(example_plan_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "plan.json").write_text('{\n  "format": "smpstudio.plan"\n  "seed": 1\n}')
    result = runner.invoke(app, ["pattern", str(folder)])
    assert result.exit_code == 2
    assert (
        f"error: {folder / 'plan.json'}: field '<document>': malformed JSON at line 3 column 3: "
        "Expecting ',' delimiter" in " ".join(result.stderr.split())
    )


def test_photo_without_a_face_error(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    background = cv2.imread(str(EXAMPLE / "front.jpg"))[:300, :300]  # real studio backdrop
    background = cv2.resize(background[:60, :60], (400, 400))
    cv2.imwrite(str(photos / "wall.png"), background)
    result = runner.invoke(app, ["analyse", str(photos), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no face found in photos/wall.png" in " ".join(result.stderr.split())


def test_stage_out_of_order_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyse", str(EXAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["pattern", str(tmp_path)])
    assert result.exit_code == 2
    assert "'pattern' needs the output of 'design'" in " ".join(result.stderr.split())


def test_preview_writes_every_picture_and_honours_edited_defaults(
    example_plan_dir: Path, tmp_path: Path
) -> None:
    folder = example_plan_dir / "preview"
    names = [
        "front-before", "front-after", "front-before-after", "front-sessions", "front-fresh",
        "front-healed-1y", "front-healed-5y", "hairline-macro", "turntable", "contact-sheet",
    ]  # fmt: skip
    pictures = {n: cv2.imread(str(folder / f"{n}.png")) for n in names}
    assert all(p is not None for p in pictures.values())
    assert pictures["front-before"].shape == pictures["front-after"].shape == (550, 450, 3)
    assert pictures["hairline-macro"].shape[1] == 800  # 40 mm at 20 px/mm
    # the sessions strip holds one picture per session, side by side
    assert pictures["front-sessions"].shape[1] == 3 * pictures["front-fresh"].shape[1]
    used = load_plan(example_plan_dir).defaults_used
    assert "dot_optical_gain" in used and "preview_stubble_mm" in used
    copy = tmp_path / "plan"
    shutil.copytree(example_plan_dir, copy)
    refused = runner.invoke(app, ["preview", str(copy), "--set", "dot_optical_gain=0.5"])
    assert refused.exit_code == 2
    assert "optical_gain must be at least 1" in " ".join(refused.output.split())
    darker = runner.invoke(app, ["preview", str(copy), "--set", "dot_optical_gain=140"])
    assert darker.exit_code == 0, darker.output
    assert load_plan(copy).edited_defaults["dot_optical_gain"] == 140
    before = pictures["front-before"].astype(int).sum()
    after = pictures["front-after"].astype(int).sum()
    edited = cv2.imread(str(copy / "preview" / "front-after.png")).astype(int).sum()
    assert before - edited > 1.5 * (before - after)
