"""Photo analysis: one photo in, one ``View`` (without camera) out."""

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from smpstudio._typing import BoolArray, ImageRGB
from smpstudio.analysis._colour import lab_median_iqr, plain_background_mask
from smpstudio.analysis._exif import PhotoFocal, default_focal
from smpstudio.analysis._face import FaceDetection, detect_face
from smpstudio.analysis._hair import hair_colour_lab, measure_skin_lab, segment_hair
from smpstudio.analysis._mesh import face_mesh
from smpstudio.analysis._pose import HeadPose, head_pose
from smpstudio.analysis._quality import quality_flags, quality_metrics
from smpstudio.analysis._scale import combine_scales, scale_from_eyes, scale_from_marker
from smpstudio.analysis._white_balance import estimate_white_balance
from smpstudio.core import View
from smpstudio.domain import Sex
from smpstudio.errors import NoFaceFoundError

FACE_VIEWS = ("front", "left", "right")
"""Views that show the face, classified from the head pose."""
NO_FACE_VIEWS = ("top", "back")
"""Views without a face; without a declaration they are classified from the silhouette
(:func:`classify_view_without_face`), or reported as ``"top_or_back"`` when it cannot tell."""
MIN_FACE_PRESENCE = 0.5
"""Face Mesh presence below which a YuNet detection is not used as a face."""
PROFILE_NOSE_OFFSET = 0.35
"""Nose this many box widths off the face box's centre marks a profile."""
MAX_PLAUSIBLE_ROLL_DEG = 45.0
"""Face Mesh landmarks implying a head rolled further than this are not trusted."""
PROFILE_MIN_YAW_DEG = 20.0
"""Where YuNet sees a profile, Face Mesh must find at least this much yaw, to the same side,
to be trusted."""
NECK_WIDTH_RATIO = 0.8
"""Below the widest row, a silhouette narrower than this share of it is read as a neck."""
MIN_HEAD_FRACTION = 0.05
"""Smallest share of the photo the head must cover when no face is found."""


def profile_side(detection: FaceDetection) -> str | None:
    """Which side a profile shows, from where YuNet puts the nose in the face box.

    Parameters
    ----------
    detection : FaceDetection
        A YuNet detection that Face Mesh could not confirm as a frontal-ish face.

    Returns
    -------
    str or None
        ``"right"`` when the nose lies more than ``PROFILE_NOSE_OFFSET`` box widths right of
        the box centre in the image (the client's right side faces the camera, as
        :func:`head_pose` names views), ``"left"`` when as far left, None otherwise.

    Notes
    -----
    Checked on renders of the ICT-FaceKit head turned 90–105° either way (Face Mesh's
    presence falls below 0.03 there, while YuNet still fires with the nose at ±0.5 box
    widths); at 60–75°, where Face Mesh still works, the sign agrees with the pose.
    """
    x, _, w, _ = detection.box_px
    offset = (float(detection.landmarks_px[2, 0]) - (x + w / 2)) / w
    if offset > PROFILE_NOSE_OFFSET:
        return "right"
    if offset < -PROFILE_NOSE_OFFSET:
        return "left"
    return None


def _face_mesh_is_plausible(found: FaceDetection, presence: float, pose: HeadPose) -> bool:
    """Face Mesh confirms YuNet: present, upright, and turned as far as YuNet's nose says."""
    side = profile_side(found)
    # head_pose's yaw is positive where the client's right side turns to the camera
    turned_as_yunet_says = (
        side is None
        or (side == "right" and pose.yaw_deg >= PROFILE_MIN_YAW_DEG)
        or (side == "left" and pose.yaw_deg <= -PROFILE_MIN_YAW_DEG)
    )
    return (
        presence >= MIN_FACE_PRESENCE
        and abs(pose.roll_deg) <= MAX_PLAUSIBLE_ROLL_DEG
        and turned_as_yunet_says
    )


def classify_view_without_face(head: BoolArray) -> str:
    """Tell a top view from a back view by the head's silhouette.

    Parameters
    ----------
    head : (h, w) ndarray of bool
        Pixels of the head (off the backdrop).

    Returns
    -------
    str
        ``"back"`` when the silhouette reaches the bottom of the photo and narrows below its
        widest row to less than ``NECK_WIDTH_RATIO`` of that width (a neck under the head);
        ``"top"`` when the head is a blob clear of the bottom edge (seen from above, the
        neck is hidden under it); ``"top_or_back"`` otherwise (e.g. a close-up filling the
        frame), for the practitioner to declare.

    Notes
    -----
    Checked only on renders of the ICT-FaceKit head mesh (no real top or back photo with a
    free licence exists): top views at 80–90° elevation, back views at 0–60°.

    Examples
    --------
    >>> yy, xx = np.mgrid[0:100, 0:100]
    >>> blob = (yy - 45) ** 2 + (xx - 50) ** 2 < 30**2
    >>> classify_view_without_face(blob)
    'top'
    >>> classify_view_without_face(blob | ((yy > 60) & (abs(xx - 50) < 12)))
    'back'
    """
    widths = head.sum(axis=1)
    if not widths.any():
        return "top_or_back"
    if widths[-1] == 0:
        return "top"
    widest = int(np.argmax(widths))
    neck = int(widths[widest:].min())
    return "back" if neck < NECK_WIDTH_RATIO * widths[widest] else "top_or_back"


def _box_of(mask: BoolArray) -> tuple[float, float, float, float]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return (
        float(cols[0]),
        float(rows[0]),
        float(cols[-1] - cols[0] + 1),
        float(rows[-1] - rows[0] + 1),
    )


def _analyse_without_face(
    image: ImageRGB,
    *,
    name: str,
    image_file: str,
    image_sha256: str,
    view_kind: str | None,
    background: BoolArray | None,
    profile_side: str | None = None,
) -> View:
    head = np.ones(image.shape[:2], dtype=bool) if background is None else ~background
    if head.mean() < MIN_HEAD_FRACTION:
        raise NoFaceFoundError(Path(image_file), reason="neither a face nor a head is visible")
    balance = estimate_white_balance(image, background, None)
    skin, skin_iqr = lab_median_iqr(image[head], balance)
    marker = scale_from_marker(image)
    metrics = quality_metrics(
        image,
        _box_of(head),
        None,
        mm_per_px=None if marker is None else marker.mm_per_px,
        yaw_deg=None,
        forehead_lightness=skin[0],
        has_plain_background=background is not None,
        region_mask=head,
        scalp_region=head,
    )
    if view_kind in FACE_VIEWS and profile_side is None:
        metrics["no_face_found"] = 0.0
    return View(
        name=name,
        image_file=image_file,
        image_sha256=image_sha256,
        width_px=image.shape[1],
        height_px=image.shape[0],
        face_box_px=None,
        landmarks_px=None,
        mm_per_px=None if marker is None else marker.mm_per_px,
        mm_per_px_relative_sd=None if marker is None else marker.relative_sd,
        scale_source="none" if marker is None else "marker",
        skin_lab=skin,
        skin_lab_iqr=skin_iqr,
        masks={} if background is None else {"background": background},
        quality=quality_flags(metrics),
        quality_metrics=metrics,
        view_kind=view_kind or profile_side or classify_view_without_face(head),
        skin_patch="head region",
        white_balance=balance.method,
        colour_cast_deg=balance.cast_deg,
    )


def analyse_photo(
    image: ImageRGB,
    *,
    name: str,
    image_file: str,
    image_sha256: str,
    sex: Sex = "male",
    interpupillary_mm: float | None = None,
    view_kind: str | None = None,
    focal: PhotoFocal | None = None,
) -> View:
    """Measure one photo: face, scale, masks, skin and hair colour, quality.

    The scale combines the interpupillary distance with a printed ArUco marker when one
    is in the photo (:func:`combine_scales`).

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        Upright sRGB photo.
    name : str
        View name (unique within the plan).
    image_file : str
        File name, recorded in the view.
    image_sha256 : str
        SHA-256 of the file, recorded in the view.
    sex : {"male", "female"}, optional
        Selects the ANSUR II interpupillary distance when none is given.
    interpupillary_mm : float, optional
        Measured interpupillary distance of the client, millimetres.
    view_kind : {"front", "left", "right", "top", "back"}, optional
        Which side of the head the photo shows, as declared by the practitioner; without
        it the view is classified (from the head pose, or from the head's silhouette where
        no face shows).
    focal : PhotoFocal, optional
        The photo's focal length (:func:`photo_focal` reads it from the file's EXIF); by
        default the portrait lens of ``portrait_focal_length_mm``.

    Returns
    -------
    View
        The view, with no camera yet (the head stage registers it).

    Notes
    -----
    Colours are measured after :func:`estimate_white_balance` (a colour chart when one is
    in the photo, else the grey edges of the person, never the backdrop). The view's masks
    are ``upper_head`` (on the head, above the brows), ``hair`` (inside
    it, :func:`segment_hair`), ``skin`` and, with a plain backdrop, ``background``.

    A detection that Face Mesh does not confirm (presence below ``MIN_FACE_PRESENCE``, a
    roll beyond ``MAX_PLAUSIBLE_ROLL_DEG``, or less than ``PROFILE_MIN_YAW_DEG`` of yaw to
    the side where YuNet's nose marks a profile) is not used as a face: a profile
    (:func:`profile_side`) becomes a left or right view, and it is measured as below.

    Without a face (top and back views) the view still gets the background mask, the skin
    colour over the head region, the quality checks that need no face, and a scale if a
    marker is in the photo. A photo declared a front or side view that shows no face gets
    the ``no_face_found`` flag.

    Raises
    ------
    NoFaceFoundError
        If neither a face nor a head (a region off the plain background) is visible.
    ValueError
        If ``view_kind`` is not one of ``FACE_VIEWS + NO_FACE_VIEWS``.
    """
    if view_kind is not None and view_kind not in FACE_VIEWS + NO_FACE_VIEWS:
        raise ValueError(
            f"view_kind must be one of {FACE_VIEWS + NO_FACE_VIEWS}, got {view_kind!r}"
        )
    if focal is None:
        focal = default_focal(image.shape[1], image.shape[0], "no EXIF record was given")
    view = _analyse_pixels(
        image,
        name=name,
        image_file=image_file,
        image_sha256=image_sha256,
        sex=sex,
        interpupillary_mm=interpupillary_mm,
        view_kind=view_kind,
        focal_px=focal.focal_px,
    )
    return dataclasses.replace(view, focal_px=focal.focal_px, focal_source=focal.source)


def _analyse_pixels(
    image: ImageRGB,
    *,
    name: str,
    image_file: str,
    image_sha256: str,
    sex: Sex,
    interpupillary_mm: float | None,
    view_kind: str | None,
    focal_px: float,
) -> View:
    found = detect_face(image)
    # YuNet finds the face; Face Mesh places the five points (pupils, nose tip, mouth
    # corners) several times more accurately than YuNet's own keypoints.
    mesh = None if found is None else face_mesh(image, found)
    pose = (
        None
        if mesh is None
        else head_pose(mesh.landmarks_px, image.shape[1], image.shape[0], focal_px=focal_px)
    )
    if (
        found is None
        or mesh is None
        or pose is None
        or not _face_mesh_is_plausible(found, mesh.presence, pose)
    ):
        # no face, or a face-like shape Face Mesh does not confirm: a profile (nose far off
        # the box centre) or no usable face; measured like a view without a face
        return _analyse_without_face(
            image,
            name=name,
            image_file=image_file,
            image_sha256=image_sha256,
            view_kind=view_kind,
            background=plain_background_mask(image),
            profile_side=None if found is None else profile_side(found),
        )
    face = dataclasses.replace(found, landmarks_px=mesh.five_points())
    estimates = [scale_from_eyes(face.landmarks_px, sex=sex, interpupillary_mm=interpupillary_mm)]
    marker = scale_from_marker(image)
    if marker is not None:
        estimates.append(marker)
    scale = combine_scales(estimates)
    background = plain_background_mask(image)
    hair = segment_hair(image, mesh.landmarks_px, background, mm_per_px=scale.mm_per_px)
    balance = estimate_white_balance(image, background, hair.skin)
    skin, skin_iqr, skin_where = measure_skin_lab(image, mesh.landmarks_px, hair.skin, balance)
    hair_colour = hair_colour_lab(image, hair.hair, balance)
    masks = {"hair": hair.hair, "upper_head": hair.region, "skin": hair.skin}
    if background is not None:
        masks["background"] = background
    metrics = quality_metrics(
        image,
        face.box_px,
        face.landmarks_px,
        mm_per_px=scale.mm_per_px,
        yaw_deg=pose.yaw_deg,
        forehead_lightness=skin[0],
        has_plain_background=background is not None,
        scalp_region=hair.region,
    )
    if balance.method == "grey edge" and balance.cast_deg is not None:
        metrics["colour_cast"] = balance.cast_deg
    return View(
        name=name,
        image_file=image_file,
        image_sha256=image_sha256,
        width_px=image.shape[1],
        height_px=image.shape[0],
        face_box_px=face.box_px,
        landmarks_px=face.landmarks_px,
        mm_per_px=scale.mm_per_px,
        mm_per_px_relative_sd=scale.relative_sd,
        scale_source=scale.source,
        skin_lab=skin,
        skin_lab_iqr=skin_iqr,
        masks=masks,
        quality=quality_flags(metrics),
        quality_metrics=metrics,
        head_pose_deg=(pose.yaw_deg, pose.pitch_deg, pose.roll_deg),
        face_proportions=mesh.proportions(),
        middle_third_mm=mesh.middle_third_px() * scale.mm_per_px,
        face_points_mm={
            k: (x * scale.mm_per_px, y * scale.mm_per_px)
            for k, (x, y) in mesh.face_points_px().items()
        },
        view_kind=view_kind or pose.view,
        skin_patch=skin_where,
        hair_lab=None if hair_colour is None else hair_colour[0],
        hair_lab_iqr=None if hair_colour is None else hair_colour[1],
        white_balance=balance.method,
        colour_cast_deg=balance.cast_deg,
    )


def flag_other_people(views: Sequence[View]) -> tuple[View, ...]:
    """Flag face photos whose face differs from the set's first face photo's.

    Parameters
    ----------
    views : sequence of View
        One client's analysed views, in the order given.

    Returns
    -------
    tuple of View
        The views, each face view after the first with its ``another_person`` measure and
        flag (``QUALITY_CHECKS``): the RMS difference of its face proportions from the
        first face view's.

    Notes
    -----
    A check, not a proof: it catches most photos of someone else (85 % of pairs of the
    congress portraits) and flags none of one face's rescaled, rotated, cropped or mirrored
    copies (``scripts/face_proportion_spread.py``).
    """
    faces = [v for v in views if v.face_proportions is not None]
    if len(faces) < 2:
        return tuple(views)
    assert faces[0].face_proportions is not None
    first = np.asarray(faces[0].face_proportions)
    flagged: dict[str, View] = {}
    for view in faces[1:]:
        assert view.face_proportions is not None
        difference = float(np.sqrt(np.mean((np.asarray(view.face_proportions) - first) ** 2)))
        metrics = dict(view.quality_metrics) | {"another_person": difference}
        flags = dict(view.quality) | quality_flags({"another_person": difference})
        flagged[view.name] = dataclasses.replace(view, quality_metrics=metrics, quality=flags)
    return tuple(flagged.get(v.name, v) for v in views)
