import numpy as np
import pytest

from smpstudio.analysis import analyse_photo, read_photo
from smpstudio.domain import ANSUR_FEMALE, ANSUR_MALE, DEFAULTS
from smpstudio.head import (
    distance_to_surface_mm,
    face_template_mm,
    fit_ellipsoid_head,
    register_frontal_view,
)
from tests.conftest import EXAMPLE
from tests.tolerances import REGISTRATION_MOUTH_PX, REGISTRATION_PX, SURFACE_MM


@pytest.mark.parametrize(("sex", "ansur"), [("male", ANSUR_MALE), ("female", ANSUR_FEMALE)])
def test_ellipsoid_has_ansur_size(sex, ansur) -> None:
    head = fit_ellipsoid_head(sex)
    v = head.vertices_mm
    assert v[:, 0].max() - v[:, 0].min() == pytest.approx(ansur.head_breadth_mm, abs=0.05)
    assert v[:, 2].max() - v[:, 2].min() == pytest.approx(ansur.head_length_mm, abs=0.05)
    assert v[:, 1].max() == pytest.approx(ansur.tragion_to_top_of_head_mm, abs=0.05)
    # closed, outward-facing: signed volume positive, normals point away from the centre
    assert np.all(
        np.einsum("ij,ij->i", head.face_normals, head.triangles_mm.mean(1) - v.mean(0)) > 0
    )
    lower = DEFAULTS["scalp_lower_limit_above_frankfort_mm"].value
    assert np.all(head.triangles_mm[head.scalp_faces].mean(1)[:, 1] >= lower)


def test_surface_distance_is_exact_for_offsets() -> None:
    head = fit_ellipsoid_head()
    rng = np.random.default_rng(3)
    faces = rng.choice(len(head.faces), 300)
    centres = head.triangles_mm[faces].mean(axis=1)
    assert distance_to_surface_mm(head, centres).max() < SURFACE_MM / 100
    lifted = centres + 0.5 * head.face_normals[faces]
    assert np.allclose(distance_to_surface_mm(head, lifted), 0.5, atol=0.01)


def test_registered_camera_reprojects_the_landmarks() -> None:
    image, sha = read_photo(EXAMPLE / "front.jpg")
    view = analyse_photo(image, name="front", image_file="front.jpg", image_sha256=sha)
    ipd = ANSUR_MALE.interpupillary_breadth_mm
    registered = register_frontal_view(view, interpupillary_mm=ipd)
    assert registered.camera is not None
    xy, depth = registered.camera.project(face_template_mm(ipd))
    miss = np.linalg.norm(xy - view.landmarks_px, axis=1)
    assert miss[:3].max() < REGISTRATION_PX  # eyes and nose tip
    assert miss[3:].max() < REGISTRATION_MOUTH_PX  # mouth corners of a smile
    # a portrait camera stands 0.5-2 m in front of the face, on the +z side of the head
    assert 500 < depth.min() < 2000
    assert registered.camera.centre_mm[2] > 400
    assert not registered.quality["registration_poor"]
    # the head's top projects above the eyes; the client's left ear to the image's right
    top, left = registered.camera.project(np.array([[0.0, 120.0, 0.0], [70.0, 0.0, 0.0]]))[0]
    assert top[1] < view.landmarks_px[:2, 1].min()
    assert left[0] > view.landmarks_px[1, 0]


def test_smp_head_writes_the_model_cameras_and_pictures(example_plan_dir) -> None:
    import json

    import cv2
    import trimesh

    from smpstudio.core import load_plan

    plan = load_plan(example_plan_dir)
    assert plan.head is not None
    folder = example_plan_dir / "head"
    mesh = trimesh.load(folder / "head.ply", process=False)
    assert np.allclose(mesh.vertices, plan.head.vertices_mm, atol=1e-4)
    cameras = json.loads((folder / "cameras.json").read_text())["views"]
    (view,) = plan.views
    assert view.camera is not None
    assert cameras[view.name]["fx_px"] == pytest.approx(view.camera.fx_px)
    turntable = cv2.imread(str(folder / "turntable.png"))
    assert turntable.shape == (640, 1280, 3)
    head_pixels = (turntable < 250).any(axis=2)
    tiles = [head_pixels[r : r + 320, c : c + 320] for r in (0, 320) for c in range(0, 1280, 320)]
    assert all(0.15 < t.mean() < 0.6 for t in tiles)  # a head in every tile, none cropped
    photo, _ = read_photo(example_plan_dir / view.image_file)
    overlay = cv2.cvtColor(cv2.imread(str(folder / f"{view.name}.png")), cv2.COLOR_BGR2RGB)
    drawn = np.abs(overlay.astype(int) - photo.astype(int)).max(axis=2) > 30
    rows = np.flatnonzero(drawn.any(axis=1))
    # grid lines cover a few percent of the photo, on the upper head: nearly all above the
    # eyes (the sides of the scalp reach down to about eye level), none below the nose
    drawn_rows = np.nonzero(drawn)[0]
    assert 0.005 < drawn.mean() < 0.1
    assert np.percentile(drawn_rows, 95) < view.landmarks_px[:2, 1].min()
    assert rows.max() < view.landmarks_px[2, 1]
