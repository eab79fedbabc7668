"""Head pose: exact recovery on projected model points, signs, and real photos."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from smpstudio.analysis import analyse_photo, default_focal_px, head_pose, read_photo
from smpstudio.analysis._pose import _canonical_face_cm
from tests.conftest import EXAMPLE

POSE_DEG = 0.5
"""Angles recovered from exact, noise-free projections must be this close."""


def _project(yaw: float, pitch: float, roll: float, w: int = 900, h: int = 1100) -> np.ndarray:
    """Oracle: pose the canonical face by known angles and project it with a pinhole."""
    # viewer frame: x right, y up, z towards the camera; yaw about +y turns the face to the
    # image's right, pitch about −x lifts the chin, roll about +z raises the client's left
    pose = Rotation.from_euler("YXZ", [yaw, -pitch, roll], degrees=True).as_matrix()
    to_camera = np.diag([1.0, -1.0, -1.0])  # viewer → OpenCV camera
    points = _canonical_face_cm() * 10.0 @ (to_camera @ pose).T + [0, 0, 700.0]
    f = default_focal_px(w, h)
    return np.column_stack(
        [f * points[:, 0] / points[:, 2] + w / 2, f * points[:, 1] / points[:, 2] + h / 2]
    )


@pytest.mark.parametrize(
    ("yaw", "pitch", "roll"), [(0, 0, 0), (20, -10, 5), (-35, 8, -12), (45, 15, 0)]
)
def test_known_angles_are_recovered(yaw: float, pitch: float, roll: float) -> None:
    pose = head_pose(_project(yaw, pitch, roll), 900, 1100)
    assert pose.yaw_deg == pytest.approx(yaw, abs=POSE_DEG)
    assert pose.pitch_deg == pytest.approx(pitch, abs=POSE_DEG)
    assert pose.roll_deg == pytest.approx(roll, abs=POSE_DEG)
    assert pose.reprojection_rms_px < 0.01


def test_view_follows_yaw() -> None:
    assert head_pose(_project(10, 0, 0), 900, 1100).view == "front"
    # turned to their left, the client shows their right side
    assert head_pose(_project(45, 0, 0), 900, 1100).view == "right"
    assert head_pose(_project(-45, 0, 0), 900, 1100).view == "left"


def test_mirrored_photo_mirrors_yaw_and_roll() -> None:
    image, sha = read_photo(EXAMPLE / "front.jpg")
    view = analyse_photo(image, name="a", image_file="a.jpg", image_sha256=sha)
    mirrored = analyse_photo(
        np.ascontiguousarray(image[:, ::-1]), name="b", image_file="b.jpg", image_sha256=sha
    )
    assert view.view_kind == mirrored.view_kind == "front"
    (yaw, pitch, roll), (yaw_m, pitch_m, roll_m) = view.head_pose_deg, mirrored.head_pose_deg
    assert yaw_m == pytest.approx(-yaw, abs=2.0)
    assert roll_m == pytest.approx(-roll, abs=1.5)
    assert pitch_m == pytest.approx(pitch, abs=1.5)
