"""Top and back views: no face, still masks, colour and quality.

No real top or back photo exists under a free licence (shared/data/README.md), so these
views are **renders** of the ICT-FaceKit head mesh, shaded skin on white.
"""

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from smpstudio.analysis import (
    analyse_photo,
    classify_view_without_face,
    plain_background_mask,
    quality_messages,
    rgb_to_lab,
)
from smpstudio.cli import app
from smpstudio.core import HeadModel, load_plan
from smpstudio.render import render_head_view
from tests.conftest import EXAMPLE, SHARED_DATA

MASK_IOU = 0.98
"""Background mask against the render's true coverage."""
SKIN_DELTA_E = 1.0
"""Measured skin colour against the median over the rendered head, CIE76."""


@pytest.fixture(scope="module")
def ict_head() -> HeadModel:
    data = np.load(SHARED_DATA / "meshes" / "ict_facekit" / "ict_face_head_identity_basis.npz")
    triangles = data["triangles"].astype(np.int64)
    return HeadModel(
        data["neutral"].astype(np.float64) * 10.0,
        triangles,
        np.ones(len(triangles), dtype=bool),
        "ICT-FaceKit neutral (test render)",
    )


@pytest.mark.parametrize(
    ("elev_deg", "azim_deg", "expected"),
    [
        (90, 0, "top"),
        (90, 90, "top"),
        (80, 180, "top"),
        (0, 180, "back"),
        (30, 180, "back"),
        (0, 150, "back"),
        (60, 180, "back"),
        (45, 180, "top_or_back"),
    ],
)
def test_top_and_back_are_told_apart_by_the_silhouette(
    ict_head, elev_deg: float, azim_deg: float, expected: str
) -> None:
    centre = {} if elev_deg > 30 else {"centre_y_mm": 67.0}
    image, _ = render_head_view(
        ict_head, elev_deg=elev_deg, azim_deg=azim_deg, size_px=400, field_mm=300, **centre
    )
    background = plain_background_mask(image)
    assert background is not None
    assert classify_view_without_face(~background) == expected


@pytest.mark.parametrize(
    ("azim_deg", "expected"), [(90, "right"), (105, "right"), (-90, "left"), (-105, "left")]
)
def test_profiles_are_side_views_without_landmarks(ict_head, azim_deg, expected) -> None:
    image, _ = render_head_view(
        ict_head, elev_deg=0, azim_deg=azim_deg, size_px=500, field_mm=300, centre_y_mm=40.0
    )
    view = analyse_photo(image, name="side", image_file="side.png", image_sha256="0" * 64)
    assert view.view_kind == expected
    # Face Mesh cannot place a profile's landmarks: none are reported, nothing is flagged
    assert view.landmarks_px is None and "no_face_found" not in view.quality
    turned, _ = render_head_view(
        ict_head, elev_deg=0, azim_deg=azim_deg // 2, size_px=500, field_mm=300, centre_y_mm=40.0
    )
    half = analyse_photo(turned, name="t", image_file="t.png", image_sha256="0" * 64)
    assert half.landmarks_px is not None  # 45-52° turns keep their landmarks


@pytest.fixture(scope="module")
def renders(ict_head: HeadModel) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    head = ict_head
    return {
        "top": render_head_view(head, elev_deg=90, azim_deg=0, size_px=600, field_mm=300),
        "back": render_head_view(
            head, elev_deg=0, azim_deg=180, size_px=600, field_mm=300, centre_y_mm=67
        ),
    }


@pytest.mark.parametrize("kind", ["top", "back"])
def test_rendered_views_are_analysed_without_a_face(renders, kind: str) -> None:
    image, covered = renders[kind]
    view = analyse_photo(image, name=kind, image_file=f"{kind}.png", image_sha256="0" * 64)
    assert view.view_kind == kind
    assert view.landmarks_px is None and view.face_box_px is None and view.mm_per_px is None
    head = ~view.masks["background"]
    assert (head & covered).sum() / (head | covered).sum() > MASK_IOU
    oracle = np.median(rgb_to_lab(image)[covered], axis=0)
    assert np.linalg.norm(np.array(view.skin_lab) - oracle) < SKIN_DELTA_E
    assert set(view.quality) == {
        "blurred",
        "overexposed",
        "underexposed",
        "busy_background",
        "no_colour",
        "scalp_out_of_frame",
    }
    assert not any(view.quality.values()), view.quality_metrics
    declared = analyse_photo(
        image, name=kind, image_file=f"{kind}.png", image_sha256="0" * 64, view_kind=kind
    )
    assert declared.view_kind == kind and "no_face_found" not in declared.quality


def test_front_photo_without_a_face_is_flagged(renders) -> None:
    image, _ = renders["back"]
    view = analyse_photo(
        image, name="x", image_file="x.png", image_sha256="0" * 64, view_kind="front"
    )
    assert view.view_kind == "front" and view.quality["no_face_found"]
    (line,) = [
        m
        for m in quality_messages(dict(view.quality), dict(view.quality_metrics))
        if m.startswith("no_face_found")
    ]
    assert "declare it a top or back view" in line
    with pytest.raises(ValueError, match="view_kind must be one of"):
        analyse_photo(
            image, name="x", image_file="x.png", image_sha256="0" * 64, view_kind="vertex"
        )


def test_plan_with_front_photo_and_back_render(renders, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copyfile(EXAMPLE / "front.jpg", photos / "front.jpg")
    cv2.imwrite(str(photos / "back.png"), cv2.cvtColor(renders["back"][0], cv2.COLOR_RGB2BGR))
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        app, ["plan", str(photos), "--out", str(out), "--view", "back=back"]
    )
    assert result.exit_code == 0, result.output
    plan = load_plan(out)
    kinds = {v.name: v.view_kind for v in plan.views}
    assert kinds == {"back": "back", "front": "front"}
    # the back view is registered by its silhouette: a camera behind the head
    cameras = {v.name: v.camera for v in plan.views}
    assert cameras["front"] is not None and cameras["front"].centre_mm[2] > 300
    assert cameras["back"] is not None and cameras["back"].centre_mm[2] < -300
    pictures = {p.name for p in (out / "preview").iterdir()}
    for view in ("back", "front"):
        assert {f"{view}.png", f"{view}-before.png", f"{view}-after.png"} <= pictures
    assert sorted(p.name for p in (out / "analysis").iterdir()) == [
        "back.json",
        "back.png",
        "front.json",
        "front.png",
    ]
    report = json.loads((out / "analysis" / "back.json").read_text())
    assert report["landmarks_px"] is None and report["skin"]["where"].startswith("head region")
    assert len(list((out / "programs").glob("session-*.json"))) == 3


def test_bad_view_declaration_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["analyse", str(EXAMPLE), "--out", str(tmp_path), "--view", "front=vertex"]
    )
    assert result.exit_code == 2
    assert "expected PHOTO=KIND" in " ".join(result.output.split())
    result = CliRunner().invoke(
        app, ["analyse", str(EXAMPLE), "--out", str(tmp_path), "--view", "side=left"]
    )
    assert result.exit_code == 2
    assert "no photo named ['side'] to declare a view for" in " ".join(result.stderr.split())


def test_only_back_views_cannot_place_the_head(renders, tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    cv2.imwrite(str(photos / "back.png"), cv2.cvtColor(renders["back"][0], cv2.COLOR_RGB2BGR))
    result = CliRunner().invoke(app, ["plan", str(photos), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no photo shows a face" in " ".join(result.stderr.split())
