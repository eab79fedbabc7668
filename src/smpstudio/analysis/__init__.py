"""Photo analysis: faces, metric scale, masks, skin colour (CIELAB), quality flags."""

from smpstudio.analysis._analyse import analyse_photo
from smpstudio.analysis._colour import (
    forehead_lab,
    forehead_patch_px,
    ita_class,
    ita_degrees,
    plain_background_mask,
    rgb_to_lab,
)
from smpstudio.analysis._face import FaceDetection, detect_face
from smpstudio.analysis._hair import (
    FEATURE_NAMES,
    HairSegmentation,
    boundary_f_score,
    hair_model_probability,
    mask_boundary,
    segment_hair,
    skin_patches,
    upper_head_region,
)
from smpstudio.analysis._image import list_photos, read_photo
from smpstudio.analysis._mesh import FaceMesh, face_mesh
from smpstudio.analysis._pose import (
    FRONT_VIEW_MAX_YAW_DEG,
    HeadPose,
    default_focal_px,
    head_pose,
)
from smpstudio.analysis._quality import (
    QUALITY_CHECKS,
    QualityCheck,
    quality_flags,
    quality_messages,
    quality_metrics,
)
from smpstudio.analysis._report import (
    LANDMARK_NAMES,
    analysis_overlay,
    analysis_report,
)
from smpstudio.analysis._scale import (
    MARKER_SIDE_MM,
    SHEET_PX_PER_MM,
    ScaleEstimate,
    combine_scales,
    marker_sheet,
    scale_from_eyes,
    scale_from_iris,
    scale_from_marker,
)

__all__ = [
    "FEATURE_NAMES",
    "FRONT_VIEW_MAX_YAW_DEG",
    "LANDMARK_NAMES",
    "MARKER_SIDE_MM",
    "QUALITY_CHECKS",
    "SHEET_PX_PER_MM",
    "FaceDetection",
    "FaceMesh",
    "HairSegmentation",
    "HeadPose",
    "QualityCheck",
    "ScaleEstimate",
    "analyse_photo",
    "analysis_overlay",
    "analysis_report",
    "boundary_f_score",
    "combine_scales",
    "default_focal_px",
    "detect_face",
    "face_mesh",
    "forehead_lab",
    "forehead_patch_px",
    "hair_model_probability",
    "head_pose",
    "ita_class",
    "ita_degrees",
    "list_photos",
    "marker_sheet",
    "mask_boundary",
    "plain_background_mask",
    "quality_flags",
    "quality_messages",
    "quality_metrics",
    "read_photo",
    "rgb_to_lab",
    "scale_from_eyes",
    "scale_from_iris",
    "scale_from_marker",
    "segment_hair",
    "skin_patches",
    "upper_head_region",
]
