"""The values that travel between stages. All are immutable: an edit makes a new value."""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType

import numpy as np

from smpstudio._typing import BoolArray, FloatArray, IntArray, PointsMM, UnitVectors
from smpstudio._validation import check_array, check_positive, frozen
from smpstudio.core._frames import HEAD_FRAME, RigidTransform
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError

__all__ = [
    "ZONE_KINDS",
    "Camera",
    "Design",
    "HeadModel",
    "Pattern",
    "Plan",
    "Program",
    "Revision",
    "SessionPlan",
    "TouchUp",
    "View",
    "Zone",
]


@dataclass(frozen=True, slots=True)
class Camera:
    """A pinhole camera registered to the head.

    Parameters
    ----------
    fx_px, fy_px : float
        Focal lengths in pixels.
    cx_px, cy_px : float
        Principal point in pixels (x right, y down; pixel centres at integer coordinates,
        as in OpenCV).
    camera_from_head : RigidTransform
        Pose: maps head-frame points (mm) to the OpenCV camera frame (mm).

    Examples
    --------
    >>> pose = RigidTransform.from_rotation_translation(
    ...     np.diag([-1.0, -1.0, 1.0]), [0, 0, 600], "camera:front", "head")
    >>> cam = Camera(1000.0, 1000.0, 200.0, 250.0, pose)
    >>> xy, depth = cam.project(np.array([[0.0, 60.0, 0.0]]))
    >>> xy.round(1), depth
    (array([[200., 150.]]), array([600.]))
    """

    fx_px: float
    fy_px: float
    cx_px: float
    cy_px: float
    camera_from_head: RigidTransform

    def __post_init__(self) -> None:
        check_positive("fx_px", self.fx_px)
        check_positive("fy_px", self.fy_px)
        if self.camera_from_head.src != HEAD_FRAME:
            raise PlanValidationError(
                f"camera_from_head must map from frame '{HEAD_FRAME}', "
                f"got '{self.camera_from_head.src}'"
            )

    @property
    def intrinsics(self) -> FloatArray:
        """(3, 3) intrinsic matrix K, pixels."""
        return np.array(
            [[self.fx_px, 0.0, self.cx_px], [0.0, self.fy_px, self.cy_px], [0.0, 0.0, 1.0]]
        )

    @property
    def centre_mm(self) -> PointsMM:
        """(3,) camera centre in the head frame, millimetres."""
        return self.camera_from_head.inverse().translation_mm

    def project(self, points_mm: PointsMM) -> tuple[FloatArray, FloatArray]:
        """Project head-frame points into the image.

        Parameters
        ----------
        points_mm : (n, 3) ndarray of float
            Millimetres, head frame.

        Returns
        -------
        xy_px : (n, 2) ndarray of float
            Image positions, pixels.
        depth_mm : (n,) ndarray of float
            Distance along the optical axis, millimetres (≤ 0: behind the camera).
        """
        cam = self.camera_from_head.apply(points_mm)
        depth = cam[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            x = self.fx_px * cam[:, 0] / depth + self.cx_px
            y = self.fy_px * cam[:, 1] / depth + self.cy_px
        return np.column_stack([x, y]), depth


@dataclass(frozen=True, slots=True)
class View:
    """One photo with its camera, masks, colour measurements and quality flags.

    Parameters
    ----------
    name : str
        Identifier, unique within a plan (the file stem).
    image_file : str
        File name of the photo as given (the bytes are not part of the value).
    image_sha256 : str
        SHA-256 of the photo file, to detect a changed photo.
    width_px, height_px : int
        Size after EXIF orientation was applied.
    face_box_px : (4,) tuple of float or None
        Face box ``x, y, width, height`` in pixels; None where no face is visible.
    landmarks_px : (5, 2) ndarray of float or None
        Pupils (client's right, left), nose tip, right and left mouth corner, pixels; None
        where no face is visible (top and back views).
    mm_per_px : float or None
        Scale, millimetres per pixel (at the face, or at a marker); None where neither a
        face nor a marker gives one.
    skin_lab : (3,) tuple of float
        Median CIELAB (D65) of skin: the forehead, or the head region where no face shows.
    masks : mapping of str to (h, w) ndarray of bool
        Named pixel masks (``"background"``, ...).
    quality : mapping of str to bool
        Quality flags; True means the problem is present.
    mm_per_px_relative_sd : float or None
        Relative standard deviation of ``mm_per_px``; None where it was not estimated
        (plans written before version 0.1 recorded it).
    scale_source : str
        Where the scale came from (``"marker"``, ``"interpupillary distance (population)"``...).
    skin_lab_iqr : tuple of float or None
        Interquartile range of L*, a*, b* over the forehead patch; None where not measured.
    quality_metrics : mapping of str to float
        The measured value behind each quality flag (units in
        ``smpstudio.analysis.QUALITY_CHECKS``); empty where not recorded.
    head_pose_deg : tuple of float or None
        Yaw, pitch and roll of the head relative to a frontal view, degrees
        (``smpstudio.analysis.head_pose`` gives the signs); None where not measured.
    view_kind : str or None
        Which side of the head the photo shows: ``"front"``, ``"left"``, ``"right"`` (from
        the head pose), ``"top"`` or ``"back"`` (as declared, or from the silhouette), or
        ``"top_or_back"`` (no face, nothing declared and the silhouette does not tell).
    camera : Camera or None
        Intrinsics and pose relative to the head; None until the head stage registers it.
    hair_lab : tuple of float or None
        Median CIELAB (D65) of the hair in the upper head; None where too little hair shows.
    hair_lab_iqr : tuple of float or None
        Interquartile range of L*, a*, b* over that hair.
    white_balance : str
        How colours were corrected before measuring: ``"colour chart"``, ``"grey edge"`` or
        ``"none"``.
    colour_cast_deg : float or None
        Estimated colour cast of the light, degrees from neutral in linear RGB; None where
        not estimated.
    skin_patch : str or None
        Where ``skin_lab`` was measured: ``"forehead"``, ``"cheeks"`` (hair covers the
        forehead), ``"forehead (unmasked)"`` or ``"head region"`` (no face); None in plans
        written before it was recorded.
    focal_px : float or None
        The photo's focal length, pixels (from its EXIF record or the default lens).
    focal_source : str or None
        Where ``focal_px`` came from, in words.
    face_proportions : tuple of float or None
        The face's proportions (``smpstudio.analysis.FACE_PROPORTIONS``, logs of ratios);
        None where no face shows.
    middle_third_mm : float or None
        The face's middle third, mid-glabella to subnasale, millimetres at the photo's scale
        (``mm_per_px``); None where no face shows.
    face_points_mm : mapping of str to (float, float) or None
        Mid-glabella and the lateral canthi in the face's upright frame (origin midway
        between the pupils, x to the client's left, y up), millimetres at the photo's scale
        (``smpstudio.analysis.FaceMesh.face_points_px``); None where no face shows.
    """

    name: str
    image_file: str
    image_sha256: str
    width_px: int
    height_px: int
    face_box_px: tuple[float, float, float, float] | None
    landmarks_px: FloatArray | None = field(repr=False)
    mm_per_px: float | None
    skin_lab: tuple[float, float, float]
    masks: Mapping[str, BoolArray] = field(repr=False)
    quality: Mapping[str, bool]
    mm_per_px_relative_sd: float | None = None
    scale_source: str = "interpupillary distance (population)"
    skin_lab_iqr: tuple[float, float, float] | None = None
    quality_metrics: Mapping[str, float] = field(default_factory=dict)
    head_pose_deg: tuple[float, float, float] | None = None
    view_kind: str | None = None
    camera: Camera | None = None
    hair_lab: tuple[float, float, float] | None = None
    hair_lab_iqr: tuple[float, float, float] | None = None
    white_balance: str = "none"
    colour_cast_deg: float | None = None
    skin_patch: str | None = None
    focal_px: float | None = None
    focal_source: str | None = None
    face_proportions: tuple[float, ...] | None = None
    middle_third_mm: float | None = None
    face_points_mm: Mapping[str, tuple[float, float]] | None = None

    def __post_init__(self) -> None:
        if self.landmarks_px is not None:
            object.__setattr__(
                self,
                "landmarks_px",
                frozen(
                    check_array("landmarks_px", self.landmarks_px, shape=(5, 2), dtype=np.float64)
                ),
            )
        if self.mm_per_px is not None:
            check_positive("mm_per_px", self.mm_per_px)
        masks = {}
        for key, mask in self.masks.items():
            masks[key] = frozen(
                check_array(
                    f"masks[{key!r}]", mask, shape=(self.height_px, self.width_px), dtype=np.bool_
                )
            )
        object.__setattr__(self, "masks", MappingProxyType(masks))
        object.__setattr__(self, "quality", MappingProxyType(dict(self.quality)))
        object.__setattr__(self, "quality_metrics", MappingProxyType(dict(self.quality_metrics)))

    def check_image(self, image: np.ndarray) -> None:
        """Raise unless ``image`` is this view's photo size (after EXIF orientation).

        Raises
        ------
        PlanValidationError
            Naming both sizes.
        """
        if image.shape[:2] != (self.height_px, self.width_px):
            raise PlanValidationError(
                f"image is {image.shape[1]}x{image.shape[0]} px but view '{self.name}' is "
                f"{self.width_px}x{self.height_px} px"
            )


@dataclass(frozen=True, slots=True)
class HeadModel:
    """A metric triangle mesh of the head in the head frame, with the scalp marked.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres, head frame.
    faces : (f, 3) ndarray of int
        Vertex indices, counter-clockwise seen from outside.
    scalp_faces : (f,) ndarray of bool
        True on faces of the scalp (the surface that may be treated).
    source : str
        How the model was made, e.g. ``"ellipsoid fit to ANSUR II male means"``.
    """

    vertices_mm: PointsMM = field(repr=False)
    faces: IntArray = field(repr=False)
    scalp_faces: BoolArray = field(repr=False)
    source: str
    _cache: dict[str, FloatArray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        v = check_array("vertices_mm", self.vertices_mm, shape=(None, 3), dtype=np.float64)
        f = check_array("faces", self.faces, shape=(None, 3), dtype=np.int64)
        s = check_array("scalp_faces", self.scalp_faces, shape=(len(f),), dtype=np.bool_)
        if len(f) and (f.min() < 0 or f.max() >= len(v)):
            raise PlanValidationError(f"faces must index vertices 0..{len(v) - 1}")
        object.__setattr__(self, "vertices_mm", frozen(v))
        object.__setattr__(self, "faces", frozen(f))
        object.__setattr__(self, "scalp_faces", frozen(s))

    @property
    def triangles_mm(self) -> FloatArray:
        """(f, 3, 3) corner positions of every face, millimetres."""
        if "triangles" not in self._cache:
            self._cache["triangles"] = frozen(self.vertices_mm[self.faces])
        return self._cache["triangles"]

    @property
    def face_normals(self) -> UnitVectors:
        """(f, 3) outward unit normals (counter-clockwise winding)."""
        if "normals" not in self._cache:
            t = self.triangles_mm
            n = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
            self._cache["normals"] = frozen(n / np.linalg.norm(n, axis=1, keepdims=True))
        return self._cache["normals"]

    @property
    def face_areas_mm2(self) -> FloatArray:
        """(f,) triangle areas, square millimetres."""
        if "areas" not in self._cache:
            t = self.triangles_mm
            n = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
            self._cache["areas"] = frozen(0.5 * np.linalg.norm(n, axis=1))
        return self._cache["areas"]

    @property
    def scalp_area_mm2(self) -> float:
        """Area of the scalp region, square millimetres."""
        return float(self.face_areas_mm2[self.scalp_faces].sum())


ZONE_KINDS = ("region", "scar", "exclusion")
"""Kinds of design zone (:class:`Zone`)."""


@dataclass(frozen=True, slots=True)
class Zone:
    """A region of the design with its own target density and dot size.

    Parameters
    ----------
    zone_id : int
        Identifier used in ``Pattern.zone_id``.
    name : str
        Human name (``"hairline band"``, ``"FUT scar"``).
    density_per_cm2 : float
        Target impressions (not follicular units) per square centimetre of scalp surface;
        0 for an exclusion.
    dot_diameter_mm : float
        Planned healed dot diameter, millimetres.
    kind : {"region", "scar", "exclusion"}, optional
        A region of the treated area (found from the hairline and the photos), a scar to
        fill for camouflage, or an area not to tattoo (a mole, a lesion). Default "region".
    outline_mm : (k, 3) ndarray of float or None, optional
        For a scar or an exclusion, its outline on the head surface in drawing order,
        millimetres, head frame (k ≥ 3); None for a region. Not compared by ``==``.
    impressions_per_fu : float, optional
        Impressions placed for each follicular unit the zone imitates (default 1: one dot
        per unit, ``domain.md`` §5.2).
    """

    zone_id: int
    name: str
    density_per_cm2: float
    dot_diameter_mm: float
    kind: str = "region"
    outline_mm: PointsMM | None = field(default=None, repr=False, compare=False)
    impressions_per_fu: float = 1.0

    @property
    def fu_density_per_cm2(self) -> float:
        """Target follicular units per cm²: ``density_per_cm2 / impressions_per_fu``."""
        return self.density_per_cm2 / self.impressions_per_fu

    def __post_init__(self) -> None:
        check_positive("impressions_per_fu", self.impressions_per_fu)
        if self.kind not in ZONE_KINDS:
            raise PlanValidationError(f"zone kind must be one of {ZONE_KINDS}, got {self.kind!r}")
        if self.kind == "exclusion":
            if self.density_per_cm2 != 0:
                raise PlanValidationError(
                    f"exclusion '{self.name}' must have density 0, got {self.density_per_cm2}"
                )
        else:
            check_positive("density_per_cm2", self.density_per_cm2)
        check_positive("dot_diameter_mm", self.dot_diameter_mm)
        if (self.kind == "region") != (self.outline_mm is None):
            raise PlanValidationError(
                f"zone '{self.name}': a {self.kind} "
                + ("has no outline" if self.kind == "region" else "needs an outline")
            )
        if self.outline_mm is not None:
            outline = check_array("outline_mm", self.outline_mm, shape=(None, 3), dtype=np.float64)
            if len(outline) < 3:
                raise PlanValidationError(
                    f"zone '{self.name}': an outline needs at least 3 points, got {len(outline)}"
                )
            object.__setattr__(self, "outline_mm", frozen(outline))


@dataclass(frozen=True, slots=True)
class Design:
    """Hairline, zones and densities on the head surface.

    Parameters
    ----------
    style : str
        Hairline style name (``"natural"``, ``"soft"``, ``"defined"``).
    hairline_mm : (k, 3) ndarray of float
        Hairline control points on the head surface, client's right to left, mm, head frame.
    band_width_mm : float
        Depth of the transition band behind the hairline, millimetres.
    lower_limit_mm : float
        Lowest treated height (head-frame y) at the sides and back, millimetres.
    zones : tuple of Zone
        The regions of the treated area (matched by name, ``smpstudio.design.ZONE_NAMES``),
        then any scars and exclusions; ``zone_id`` counts from 0 in this order.
    hair_share : (f,) ndarray of float or None, optional
        Per face of the plan's head model, the share of the photos that see the face which
        show hair there, 0–1; NaN where no photo sees it; None where no photo was
        registered. It places the blend zone and matches its density. Not compared by ``==``.
    whorl_mm : (3,) ndarray of float or None, optional
        The crown's whorl on the head surface, millimetres, head frame; None for the default
        place (``smpstudio.design.whorl_point_mm``). Not compared by ``==``.
    client_age_years : float or None, optional
        The client's age, years, if given; the hairline check weighs the line's height by it.
    glabella_height_mm : float or None, optional
        Head-frame height (y) of the client's mid-glabella the hairline was measured from,
        millimetres, as the front photos place it; None where no photo measured it (the
        population default is used then).
    """

    style: str
    hairline_mm: PointsMM = field(repr=False)
    band_width_mm: float
    lower_limit_mm: float
    zones: tuple[Zone, ...]
    hair_share: FloatArray | None = field(default=None, repr=False, compare=False)
    whorl_mm: PointsMM | None = field(default=None, repr=False, compare=False)
    client_age_years: float | None = None
    glabella_height_mm: float | None = None

    def __post_init__(self) -> None:
        hl = check_array("hairline_mm", self.hairline_mm, shape=(None, 3), dtype=np.float64)
        if len(hl) < 3:
            raise PlanValidationError(f"hairline_mm needs at least 3 control points, got {len(hl)}")
        object.__setattr__(self, "hairline_mm", frozen(hl))
        check_positive("band_width_mm", self.band_width_mm)
        ids = [z.zone_id for z in self.zones]
        if sorted(ids) != list(range(len(ids))):
            raise PlanValidationError(f"zone ids must be 0..{len(ids) - 1}, got {ids}")
        if self.hair_share is not None:
            share = check_array(
                "hair_share", self.hair_share, shape=(None,), dtype=np.float64, finite=False
            )
            known = share[~np.isnan(share)]
            if np.any(~((known >= 0) & (known <= 1))):
                raise PlanValidationError("hair_share must lie in [0, 1] (or be NaN: not seen)")
            object.__setattr__(self, "hair_share", frozen(share))
        if self.client_age_years is not None:
            check_positive("client_age_years", self.client_age_years)
        if self.whorl_mm is not None:
            whorl = check_array("whorl_mm", self.whorl_mm, shape=(3,), dtype=np.float64)
            object.__setattr__(self, "whorl_mm", frozen(whorl))


_PATTERN_COLUMNS: tuple[tuple[str, tuple[int | None, ...], type[np.generic]], ...] = (
    ("positions_mm", (None, 3), np.float64),
    ("normals", (None, 3), np.float64),
    ("dot_diameter_mm", (None,), np.float64),
    ("fu_id", (None,), np.int64),
    ("zone_id", (None,), np.int64),
    ("session", (None,), np.int64),
)


@dataclass(frozen=True, slots=True)
class Pattern:
    """Impressions as columns: one row per pigment dot.

    Parameters
    ----------
    positions_mm : (n, 3) ndarray of float
        Dot centres on the head surface, millimetres, head frame.
    normals : (n, 3) ndarray of float
        Outward unit surface normals at the dots.
    dot_diameter_mm : (n,) ndarray of float
        Planned healed dot diameter, millimetres.
    fu_id : (n,) ndarray of int
        Follicular-unit id: dots sharing an id form one unit.
    zone_id : (n,) ndarray of int
        Design zone of each dot.
    session : (n,) ndarray of int
        Session index (0-based); 0 until the sessions stage assigns it.
    """

    positions_mm: PointsMM = field(repr=False)
    normals: UnitVectors = field(repr=False)
    dot_diameter_mm: FloatArray = field(repr=False)
    fu_id: IntArray = field(repr=False)
    zone_id: IntArray = field(repr=False)
    session: IntArray = field(repr=False)

    def __post_init__(self) -> None:
        n = len(np.asarray(self.positions_mm))
        for name, shape, dtype in _PATTERN_COLUMNS:
            want = (n, *shape[1:])
            object.__setattr__(
                self, name, frozen(check_array(name, getattr(self, name), shape=want, dtype=dtype))
            )

    @classmethod
    def column_names(cls) -> tuple[str, ...]:
        """Names of the columns, in storage order."""
        return tuple(name for name, _, _ in _PATTERN_COLUMNS)

    def __len__(self) -> int:
        """Number of impressions."""
        return len(self.positions_mm)

    def rows(self, index: IntArray) -> "Pattern":
        """The pattern restricted to some impressions.

        Parameters
        ----------
        index : ndarray of int or bool
            Rows to keep, in the order to keep them.

        Returns
        -------
        Pattern
            A new pattern.
        """
        return Pattern(**{name: getattr(self, name)[index] for name in self.column_names()})

    def with_sessions(self, session: IntArray) -> "Pattern":
        """Return a copy with the ``session`` column replaced.

        Parameters
        ----------
        session : (n,) ndarray of int
            New session index per impression.

        Returns
        -------
        Pattern
            A new pattern; this one is unchanged.
        """
        return Pattern(
            self.positions_mm, self.normals, self.dot_diameter_mm, self.fu_id, self.zone_id, session
        )

    def __eq__(self, other: object) -> bool:
        """Column-wise exact equality."""
        if not isinstance(other, Pattern):
            return NotImplemented
        return all(np.array_equal(getattr(self, c), getattr(other, c)) for c in self.column_names())

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """One treatment session.

    Parameters
    ----------
    index : int
        0-based session index.
    cumulative_fraction : float
        Share of all impressions placed once this session is done (0–1].
    impression_count : int
        Impressions placed in this session.
    dilution_water_parts : float
        Dilution as water : pigment by volume (``18`` means 18:1).
    needle_diameter_mm : float
        Needle diameter, millimetres.
    depth_setting_mm : float
        Needle depth set on the device, millimetres.
    day_window : tuple of int
        Earliest and latest day of the session, counted from the first session (day 0).
    estimated_hours : tuple of float
        Low and high estimate of the session's duration, hours.
    pigment_id : str or None
        Catalogue id of the pigment (None: no shade chosen, the default dilutions apply).
    pigment_lot : str or None
        Lot to use (good through the window's last day); None where none is.
    healed_lab : tuple of float or None
        Predicted healed dot colour, CIELAB.
    target_lab : tuple of float or None
        Colour aimed at (a shaved hair's section), CIELAB.
    delta_e00 : float or None
        ΔE00 between ``healed_lab`` and ``target_lab``.
    date_window : tuple of str or None
        Earliest and latest date (ISO 8601), where the plan has a start date.
    min_spacing_mm : float or None
        Closest spacing between two of this session's impressions, millimetres.
    """

    index: int
    cumulative_fraction: float
    impression_count: int
    dilution_water_parts: float
    needle_diameter_mm: float
    depth_setting_mm: float
    day_window: tuple[int, int]
    estimated_hours: tuple[float, float]
    pigment_id: str | None = None
    pigment_lot: str | None = None
    healed_lab: tuple[float, float, float] | None = None
    target_lab: tuple[float, float, float] | None = None
    delta_e00: float | None = None
    date_window: tuple[str, str] | None = None
    min_spacing_mm: float | None = None


@dataclass(frozen=True, slots=True, eq=False)
class TouchUp:
    """Existing impressions to pigment again, apart from the session partition.

    Parameters
    ----------
    date : str
        Planned date, ISO 8601.
    impression_ids : (m,) ndarray of int
        Rows of the pattern to pigment again (each at most once).
    pigment_id : str or None
        Catalogue id of the pigment.
    pigment_lot : str or None
        Lot to use.
    dilution_water_parts : float
        Dilution, water : pigment.
    reason : str
        Why (a follow-up that did not see them healed; fading after years).
    """

    date: str
    impression_ids: IntArray = field(repr=False)
    pigment_id: str | None
    pigment_lot: str | None
    dilution_water_parts: float
    reason: str

    def __post_init__(self) -> None:
        ids = check_array("impression_ids", self.impression_ids, shape=(None,), dtype=np.int64)
        if len(np.unique(ids)) != len(ids):
            raise PlanValidationError("a touch-up lists an impression twice")
        object.__setattr__(self, "impression_ids", frozen(ids))

    def __eq__(self, other: object) -> bool:
        """Field-wise equality, the ids compared element by element."""
        if not isinstance(other, TouchUp):
            return NotImplemented
        return (
            self.date,
            self.pigment_id,
            self.pigment_lot,
            self.dilution_water_parts,
            self.reason,
        ) == (
            other.date,
            other.pigment_id,
            other.pigment_lot,
            other.dilution_water_parts,
            other.reason,
        ) and np.array_equal(self.impression_ids, other.impression_ids)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Revision:
    """What a follow-up photo measured and what the remaining sessions changed.

    Parameters
    ----------
    date : str
        Date of the follow-up photo, ISO 8601.
    view : str
        File name of the follow-up photo.
    sessions_seen : int
        Number of sessions done (and healed) when it was taken.
    measured_lab : tuple of float
        Healed dot colour measured on the photo, CIELAB.
    predicted_lab : tuple of float
        Healed dot colour the model predicted for those sessions, CIELAB.
    impressions_measured : int
        Impressions of the done sessions the photo shows well enough to measure.
    seen_share : float
        Share of them that show as a dot (0–1).
    changes : tuple of str
        Every change made to the remaining sessions, in words.
    """

    date: str
    view: str
    sessions_seen: int
    measured_lab: tuple[float, float, float]
    predicted_lab: tuple[float, float, float]
    impressions_measured: int
    seen_share: float
    changes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HairCoverage:
    """How much of one scalp region the photos show covered by hair.

    Parameters
    ----------
    region : str
        Region name (``smpstudio.head.SCALP_REGIONS``).
    hair_fraction : float or None
        Share of the seen part of the region covered by hair, 0–1; None where too little of
        the region is seen to say ("not seen": never guessed).
    seen_fraction : float
        Share of the region's area that at least one photo shows, 0–1.
    views : tuple of str
        Names of the views that show part of the region.
    """

    region: str
    hair_fraction: float | None
    seen_fraction: float
    views: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.seen_fraction <= 1.0:
            raise PlanValidationError(f"seen_fraction must be in [0, 1], got {self.seen_fraction}")
        if self.hair_fraction is not None and not 0.0 <= self.hair_fraction <= 1.0:
            raise PlanValidationError(f"hair_fraction must be in [0, 1], got {self.hair_fraction}")


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything known about one client's treatment; stages fill it in order.

    Parameters
    ----------
    seed : int
        Seed of every random choice in the plan.
    views : tuple of View
        Analysed photos.
    head : HeadModel or None
        The head model, once fitted.
    design : Design or None
        Hairline, zones and densities.
    pattern : Pattern or None
        The impressions.
    sessions : tuple of SessionPlan
        Sessions, once split.
    defaults_used : tuple of str
        Names of the ``smpstudio.domain.DEFAULTS`` entries the plan relies on.
    hair_coverage : tuple of HairCoverage
        Hair coverage per scalp region, measured once the views are registered to the head.
    touch_ups : tuple of TouchUp
        Impressions to pigment again, outside the session partition.
    revisions : tuple of Revision
        Follow-up measurements and the changes they made, oldest first.
    edited_defaults : Mapping of str to float
        Named defaults the practitioner changed for this client, by name
        (``smpstudio.domain.DEFAULTS``), with their values.
    """

    seed: int
    views: tuple[View, ...] = ()
    head: HeadModel | None = None
    design: Design | None = None
    pattern: Pattern | None = None
    sessions: tuple[SessionPlan, ...] = ()
    defaults_used: tuple[str, ...] = ()
    hair_coverage: tuple[HairCoverage, ...] = ()
    touch_ups: tuple[TouchUp, ...] = ()
    revisions: tuple[Revision, ...] = ()
    edited_defaults: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.edited_defaults) - set(DEFAULTS))
        if unknown:
            raise PlanValidationError(f"edited_defaults names unknown defaults: {unknown}")
        object.__setattr__(
            self, "edited_defaults", MappingProxyType(dict(sorted(self.edited_defaults.items())))
        )

    def default_value(self, name: str) -> float:
        """A named default's value in this plan: the practitioner's edit, else the default.

        Raises
        ------
        KeyError
            If no default has this name.
        """
        return float(self.edited_defaults.get(name, DEFAULTS[name].value))

    @property
    def stages_done(self) -> tuple[str, ...]:
        """Names of the stages whose output the plan holds, in pipeline order."""
        done = [
            ("analyse", bool(self.views)),
            ("head", self.head is not None),
            ("design", self.design is not None),
            ("pattern", self.pattern is not None),
            ("sessions", bool(self.sessions)),
        ]
        return tuple(name for name, ok in done if ok)


_PROGRAM_COLUMNS: tuple[tuple[str, tuple[int, ...], type], ...] = (
    ("impression_index", (0,), np.int64),
    ("positions_mm", (0, 3), np.float64),
    ("approach", (0, 3), np.float64),
    ("zone_id", (0,), np.int64),
    ("depth_setting_mm", (0,), np.float64),
    ("dwell_ms", (0,), np.float64),
    ("hits", (0,), np.int64),
    ("clearance_mm", (0,), np.float64),
    ("redip_before", (0,), np.bool_),
)


@dataclass(frozen=True, slots=True, eq=False)
class Program:
    """One session's impressions in the order a device executes them (one row each).

    Parameters
    ----------
    session_index : int
        0-based session index.
    plan_id : str
        Identifier of the plan it was made from (the plan's array checksum).
    head_digest : str
        :func:`smpstudio.head.surface_digest` of the head surface it was planned on.
    impression_index : (m,) ndarray of int
        Row of each impression in the plan's pattern, in execution order.
    positions_mm : (m, 3) ndarray of float
        Targets on the skin surface, millimetres, head frame.
    approach : (m, 3) ndarray of float
        Unit needle direction, pointing into the skin (the inward smooth surface normal).
    zone_id : (m,) ndarray of int
        Design zone of each impression.
    depth_setting_mm : (m,) ndarray of float
        Needle depth set on the device for each impression (its zone's), millimetres.
    dwell_ms : (m,) ndarray of float
        Time the needle works at each impression, milliseconds.
    hits : (m,) ndarray of int
        Needle cycles per impression.
    clearance_mm : (m,) ndarray of float
        Retract along the tool axis after each impression, before travelling on, mm.
    redip_before : (m,) ndarray of bool
        A break to re-dip pigment before this impression.
    needle_configuration : str
        Needle grouping, e.g. ``"1RL"``.
    needle_diameter_mm : float
        Needle diameter, millimetres.
    pigment_id, pigment_lot : str or None
        Catalogue pigment and lot (None where no shade was chosen).
    dilution_water_parts : float
        Pigment dilution, water : pigment by volume.
    travel_feed_mm_per_min, plunge_feed_mm_per_min : float
        Feed rates between impressions and along the tool axis, mm/min.
    redip_seconds : float
        Duration of one re-dip break, seconds.
    safe_radius_mm : float
        Radius of the shell around the head-frame origin over which long travel passes, mm.
    fiducial_names : tuple of str
        Names of the registration fiducials.
    fiducials_mm : (k, 3) ndarray of float
        Their positions, millimetres, head frame.
    registration_tolerance_mm : float
        Largest fiducial residual the device may accept, millimetres.
    zone_names : mapping of int to str
        Name of each zone id used.
    ordering : mapping of str to float
        How the order was made and what it cost (tour and constrained lengths, mm;
        the constraint settings).
    violations : tuple of str
        Safety violations recorded by a forced export (empty for a valid program).
    """

    session_index: int
    plan_id: str
    head_digest: str
    impression_index: IntArray = field(repr=False)
    positions_mm: PointsMM = field(repr=False)
    approach: UnitVectors = field(repr=False)
    zone_id: IntArray = field(repr=False)
    depth_setting_mm: FloatArray = field(repr=False)
    dwell_ms: FloatArray = field(repr=False)
    hits: IntArray = field(repr=False)
    clearance_mm: FloatArray = field(repr=False)
    redip_before: BoolArray = field(repr=False)
    needle_configuration: str
    needle_diameter_mm: float
    pigment_id: str | None
    pigment_lot: str | None
    dilution_water_parts: float
    travel_feed_mm_per_min: float
    plunge_feed_mm_per_min: float
    redip_seconds: float
    safe_radius_mm: float
    fiducial_names: tuple[str, ...]
    fiducials_mm: PointsMM = field(repr=False)
    registration_tolerance_mm: float
    zone_names: Mapping[int, str] = field(default_factory=dict)
    ordering: Mapping[str, float] = field(default_factory=dict)
    violations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        m = len(np.asarray(self.impression_index))
        for name, shape, dtype in _PROGRAM_COLUMNS:
            want = (m, *shape[1:])
            column: np.ndarray = check_array(
                name, getattr(self, name), shape=want, dtype=dtype, finite=False
            )
            object.__setattr__(self, name, frozen(column))
        k = len(self.fiducial_names)
        fid = check_array("fiducials_mm", self.fiducials_mm, shape=(k, 3), dtype=np.float64)
        object.__setattr__(self, "fiducials_mm", frozen(fid))
        object.__setattr__(self, "fiducial_names", tuple(self.fiducial_names))
        object.__setattr__(self, "violations", tuple(self.violations))
        object.__setattr__(self, "zone_names", MappingProxyType(dict(self.zone_names)))
        object.__setattr__(self, "ordering", MappingProxyType(dict(self.ordering)))

    def __len__(self) -> int:
        """Number of impressions."""
        return len(self.impression_index)

    def __eq__(self, other: object) -> bool:
        """Exact equality of every field (arrays element-wise, NaN equal to NaN)."""
        if not isinstance(other, Program):
            return NotImplemented
        for name in (f.name for f in fields(self)):
            a, b = getattr(self, name), getattr(other, name)
            if isinstance(a, np.ndarray):
                if not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
                    return False
            elif a != b:
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def column_names(cls) -> tuple[str, ...]:
        """Names of the per-impression columns, in file order."""
        return tuple(name for name, _, _ in _PROGRAM_COLUMNS)

    def rows(self, index: IntArray | slice) -> "Program":
        """The program restricted to some instructions (same header).

        Parameters
        ----------
        index : ndarray of int or bool, or slice
            Instructions to keep, in the order to keep them.

        Returns
        -------
        Program
            A new program.
        """
        columns = {name: getattr(self, name)[index] for name in self.column_names()}
        return replace(self, **columns)
