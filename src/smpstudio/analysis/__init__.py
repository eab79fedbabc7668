"""Photo analysis: faces, metric scale, masks, skin colour (CIELAB), quality flags."""

from smpstudio.analysis._analyse import analyse_photo, mm_per_px_from_eyes
from smpstudio.analysis._colour import forehead_lab, plain_background_mask, rgb_to_lab
from smpstudio.analysis._face import FaceDetection, detect_face
from smpstudio.analysis._image import list_photos, read_photo
from smpstudio.analysis._quality import quality_flags

__all__ = [
    "FaceDetection",
    "analyse_photo",
    "detect_face",
    "forehead_lab",
    "list_photos",
    "mm_per_px_from_eyes",
    "plain_background_mask",
    "quality_flags",
    "read_photo",
    "rgb_to_lab",
]
