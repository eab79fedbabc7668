"""Face detection with YuNet (OpenCV ``FaceDetectorYN``), run on a downscaled copy.

YuNet finds faces of about 10–300 px, so the photo is scaled to ``DETECTION_SIDE_PX`` on
its long side first (``shared/data/README.md``: on full-size photos it finds nothing).
Model: ``models/face_detection_yunet_2023mar.onnx`` (Shiqi Yu et al., Apache-2.0 / MIT).
"""

from dataclasses import dataclass
from functools import cache
from importlib import resources

import cv2
import numpy as np

from smpstudio._typing import FloatArray, ImageRGB

DETECTION_SIDE_PX = 320
"""Long side of the copy YuNet runs on, pixels."""
SCORE_THRESHOLD = 0.6
"""Lowest YuNet face score accepted."""


@dataclass(frozen=True, slots=True)
class FaceDetection:
    """One detected face in full-resolution pixel coordinates.

    Parameters
    ----------
    box_px : (4,) tuple of float
        ``x, y, width, height``.
    landmarks_px : (5, 2) ndarray of float
        Client's right eye, left eye, nose tip, right and left mouth corner.
    score : float
        Detector confidence, 0–1.
    """

    box_px: tuple[float, float, float, float]
    landmarks_px: FloatArray
    score: float


@cache
def _detector() -> "cv2.FaceDetectorYN":
    model = resources.files("smpstudio.analysis").joinpath(
        "models/face_detection_yunet_2023mar.onnx"
    )
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)  # DNN backend notices
    with resources.as_file(model) as path:
        return cv2.FaceDetectorYN.create(
            str(path), "", (DETECTION_SIDE_PX, DETECTION_SIDE_PX), SCORE_THRESHOLD, 0.3, 50
        )


def detect_face(image: ImageRGB) -> FaceDetection | None:
    """Find the most confident face in an RGB photo.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.

    Returns
    -------
    FaceDetection or None
        The best face, or None when no face scores above ``SCORE_THRESHOLD``.

    Notes
    -----
    The five landmarks come in image order (left eye in the image first); the client's
    right eye is the one on the image's left in an unmirrored frontal photo.
    """
    h, w = image.shape[:2]
    scale = DETECTION_SIDE_PX / max(h, w)
    small = cv2.resize(
        image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
    )
    detector = _detector()
    detector.setInputSize((small.shape[1], small.shape[0]))
    _, faces = detector.detect(cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
    if faces is None or len(faces) == 0:
        return None
    best = faces[int(np.argmax(faces[:, 14]))].astype(np.float64)
    box = best[:4] / scale
    return FaceDetection(
        box_px=(float(box[0]), float(box[1]), float(box[2]), float(box[3])),
        landmarks_px=best[4:14].reshape(5, 2) / scale,
        score=float(best[14]),
    )
