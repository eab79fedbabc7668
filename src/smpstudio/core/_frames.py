"""Named rigid transforms between coordinate frames.

The head frame (all plans, all devices): origin midway between the tragia; +x towards the
client's **left**; +y up, perpendicular to the Frankfort horizontal; +z forward (out of the
face); millimetres. It is right-handed: x × y = z. See ``docs/head-frame.md``.

Camera frames follow OpenCV: +x right in the image, +y down, +z along the optical axis.
A transform is named ``dst_from_src`` and maps points in ``src`` to ``dst``; composing two
checks that the frames meet.
"""

from dataclasses import dataclass, field

import numpy as np

from smpstudio._typing import FloatArray, PointsMM
from smpstudio._validation import check_array, frozen
from smpstudio.errors import PlanValidationError

HEAD_FRAME = "head"
"""Name of the head frame."""

_ORTHONORMAL_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class RigidTransform:
    """A rotation and translation mapping points in frame ``src`` to frame ``dst``.

    Parameters
    ----------
    matrix : (4, 4) ndarray of float
        Homogeneous matrix; the 3×3 block must be a proper rotation. Translation in mm.
    dst, src : str
        Frame names, e.g. ``dst="camera:front", src="head"``.

    Examples
    --------
    >>> t = RigidTransform.from_rotation_translation(np.eye(3), [0, 0, 500], "camera", "head")
    >>> t.apply(np.zeros((1, 3)))
    array([[  0.,   0., 500.]])
    >>> t.inverse().dst
    'head'
    """

    matrix: FloatArray = field(repr=False)
    dst: str
    src: str

    def __post_init__(self) -> None:
        m = check_array("matrix", self.matrix, shape=(4, 4), dtype=np.float64)
        rotation: FloatArray = m[:3, :3]
        if (
            not np.allclose(rotation @ rotation.T, np.eye(3), atol=_ORTHONORMAL_TOLERANCE)
            or np.linalg.det(rotation) < 0
            or not np.allclose(m[3], [0, 0, 0, 1])
        ):
            raise PlanValidationError(
                f"{self.dst}_from_{self.src} must be a proper rigid transform "
                "(orthonormal rotation with det +1 and last row 0 0 0 1)"
            )
        object.__setattr__(self, "matrix", frozen(m))

    @classmethod
    def from_rotation_translation(
        cls, rotation: FloatArray, translation_mm: FloatArray | list[float], dst: str, src: str
    ) -> "RigidTransform":
        """Build from a 3×3 rotation and a translation in millimetres.

        Parameters
        ----------
        rotation : (3, 3) ndarray of float
            Proper rotation matrix.
        translation_mm : (3,) array_like of float
            Translation, millimetres, in frame ``dst``.
        dst, src : str
            Frame names.

        Returns
        -------
        RigidTransform
            The transform ``dst_from_src``.
        """
        m = np.eye(4)
        m[:3, :3] = rotation
        m[:3, 3] = np.asarray(translation_mm, dtype=np.float64)
        return cls(m, dst, src)

    @property
    def rotation(self) -> FloatArray:
        """(3, 3) rotation block."""
        return self.matrix[:3, :3]

    @property
    def translation_mm(self) -> FloatArray:
        """(3,) translation, millimetres."""
        return self.matrix[:3, 3]

    def apply(self, points_mm: PointsMM) -> PointsMM:
        """Map (n, 3) points from ``src`` to ``dst`` (millimetres).

        Parameters
        ----------
        points_mm : (n, 3) ndarray of float
            Points in frame ``src``, millimetres.

        Returns
        -------
        (n, 3) ndarray of float
            The same points in frame ``dst``.
        """
        pts = np.asarray(points_mm, dtype=np.float64)
        return pts @ self.rotation.T + self.translation_mm

    def apply_to_directions(self, vectors: FloatArray) -> FloatArray:
        """Rotate (n, 3) direction vectors from ``src`` to ``dst`` (no translation).

        Parameters
        ----------
        vectors : (n, 3) ndarray of float
            Directions in frame ``src``.

        Returns
        -------
        (n, 3) ndarray of float
            The same directions in frame ``dst``.
        """
        return np.asarray(vectors, dtype=np.float64) @ self.rotation.T

    def inverse(self) -> "RigidTransform":
        """Return ``src_from_dst``."""
        r = self.rotation.T
        return RigidTransform.from_rotation_translation(
            r, -r @ self.translation_mm, self.src, self.dst
        )

    def __matmul__(self, other: "RigidTransform") -> "RigidTransform":
        """Compose ``self @ other``: ``a_from_b @ b_from_c`` gives ``a_from_c``.

        Raises
        ------
        PlanValidationError
            If ``other.dst`` is not ``self.src``.
        """
        if other.dst != self.src:
            raise PlanValidationError(
                f"cannot compose {self.dst}_from_{self.src} with {other.dst}_from_{other.src}: "
                f"frames '{self.src}' and '{other.dst}' differ"
            )
        return RigidTransform(self.matrix @ other.matrix, self.dst, other.src)
