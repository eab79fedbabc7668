import numpy as np
import pytest

from smpstudio.core import Camera, HeadModel, Pattern, RigidTransform
from smpstudio.errors import PlanValidationError


def _pose(dst: str = "camera:a", src: str = "head") -> RigidTransform:
    return RigidTransform.from_rotation_translation(
        np.diag([-1.0, -1.0, 1.0]) @ np.diag([-1.0, 1.0, -1.0]), [0, 0, 500], dst, src
    )


def test_transform_inverse_round_trips_points() -> None:
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(20, 3)) * 100
    t = _pose()
    assert np.allclose(t.inverse().apply(t.apply(pts)), pts, atol=1e-9)
    assert (t.inverse() @ t).dst == "head"


def test_composing_mismatched_frames_fails() -> None:
    with pytest.raises(PlanValidationError, match="frames 'head' and 'camera:b' differ"):
        _pose("camera:a", "head") @ _pose("camera:b", "head")


def test_reflection_is_rejected() -> None:
    with pytest.raises(PlanValidationError, match="proper rigid transform"):
        RigidTransform.from_rotation_translation(np.diag([1.0, 1.0, -1.0]), [0, 0, 0], "a", "b")


def test_camera_needs_the_head_frame() -> None:
    with pytest.raises(PlanValidationError, match="must map from frame 'head', got 'world'"):
        Camera(100.0, 100.0, 0.0, 0.0, _pose("camera:a", "world"))


def test_pattern_columns_must_agree_and_are_read_only() -> None:
    n = 4
    cols = dict(
        positions_mm=np.zeros((n, 3)),
        normals=np.tile([0.0, 1.0, 0.0], (n, 1)),
        dot_diameter_mm=np.full(n, 0.1),
        fu_id=np.arange(n),
        zone_id=np.zeros(n, dtype=int),
        session=np.zeros(n, dtype=int),
    )
    pattern = Pattern(**cols)
    assert len(pattern) == n
    with pytest.raises(ValueError, match="read-only"):
        pattern.positions_mm[0, 0] = 1.0
    with pytest.raises(PlanValidationError, match=r"zone_id must have shape \(4\), got \(3,\)"):
        Pattern(**{**cols, "zone_id": np.zeros(3, dtype=int)})
    with pytest.raises(PlanValidationError, match="positions_mm must be finite, got 1"):
        Pattern(**{**cols, "positions_mm": np.array([[np.nan, 0, 0]] + [[0, 0, 0]] * 3)})
    empty = Pattern(**{k: v[:0] for k, v in cols.items()})
    assert len(empty) == 0 and empty.positions_mm.shape == (0, 3)


def test_head_model_faces_must_index_vertices() -> None:
    with pytest.raises(PlanValidationError, match=r"faces must index vertices 0\.\.2"):
        HeadModel(np.eye(3), np.array([[0, 1, 3]]), np.array([True]), "test")
