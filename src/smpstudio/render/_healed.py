"""The plan's dots on a client's photo as they will look: fresh, healed, years later.

Each impression's colour comes from the pigment model (``smpstudio.pigment``): its
session's pigment and dilution on the client's skin, fresh or healed and faded. The photo
keeps its own light: a dot multiplies the pixels it covers by its reflectance over the
skin's (:func:`composite_splats`); the skin carries light sideways past each dot, so it
looks wider and darker than its pigment alone (:class:`DotLayer`).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np
from scipy.special import ndtri

from smpstudio._typing import BoolArray, Float32Array, FloatArray, ImageRGB, IntArray, PointsMM
from smpstudio.core import Camera, HeadModel, Pattern, SessionPlan, View
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head import DepthBuffer
from smpstudio.pigment import OpticalModel, PigmentCatalogue, dot_lab, lab_to_linear_rgb
from smpstudio.render._composite import apply_transmittance, splat_transmittance
from smpstudio.render._head_view import PhotoGeometry, photo_geometry
from smpstudio.render._splats import Splats, project_splats

FALLBACK_PIGMENT = "carbon-black"
"""Pigment drawn for sessions that name none (no hair colour was known)."""

RENDER_DEFAULT_NAMES = {
    "size_variation": "preview_size_variation",
    "tone_variation": "preview_tone_variation",
    "light_spread_mm": "skin_light_spread_mm",
    "optical_gain": "dot_optical_gain",
    "photo_blur_px": "photo_blur_px",
    "spread_mm_per_year": "dot_spread_mm_per_year",
    "healed_shrink": "healed_dot_shrink",
    "fresh_redness": "fresh_redness",
    "fresh_redness_reach": "fresh_redness_reach",
    "shaft_diameter_mm": "hair_shaft_diameter_mm",
    "stubble_seen_below_mm": "stubble_seen_below_mm",
    "hairs_per_unit": "hairs_per_follicular_unit",
    "full_unit_density_per_cm2": "full_scalp_fu_density_per_cm2",
}
"""Each :class:`RenderModel` field and the name of its default in ``domain.py``."""


@dataclass(frozen=True, slots=True)
class RenderModel:
    """Parameters of how the preview draws dots and stubble; each a named default.

    Parameters
    ----------
    size_variation, tone_variation : float
        SD of the per-dot size and darkness factors (unsourced).
    light_spread_mm : float
        SD of the sideways blur of a dot seen through the skin, mm (unsourced).
    optical_gain : float
        A dot's darkening over its glow relative to its pigment area alone (unsourced).
    photo_blur_px : float
        SD of a photo's own softening, pixels (unsourced).
    spread_mm_per_year : float
        Growth of a healed dot's diameter per year, mm.
    healed_shrink : float
        Healed over fresh dot diameter.
    fresh_redness, fresh_redness_reach : float
        Green and blue lost round a fresh dot, and that surround's diameter in dot
        diameters (unsourced).
    shaft_diameter_mm : float
        Hair shaft diameter, mm.
    stubble_seen_below_mm : float
        Shaft seen through the skin below stubble, mm (unsourced).
    hairs_per_unit : float
        Hairs per follicular unit.
    full_unit_density_per_cm2 : float
        Follicular units per cm² of a full head of hair.
    """

    size_variation: float = DEFAULTS["preview_size_variation"].value
    tone_variation: float = DEFAULTS["preview_tone_variation"].value
    light_spread_mm: float = DEFAULTS["skin_light_spread_mm"].value
    optical_gain: float = DEFAULTS["dot_optical_gain"].value
    photo_blur_px: float = DEFAULTS["photo_blur_px"].value
    spread_mm_per_year: float = DEFAULTS["dot_spread_mm_per_year"].value
    healed_shrink: float = DEFAULTS["healed_dot_shrink"].value
    fresh_redness: float = DEFAULTS["fresh_redness"].value
    fresh_redness_reach: float = DEFAULTS["fresh_redness_reach"].value
    shaft_diameter_mm: float = DEFAULTS["hair_shaft_diameter_mm"].value
    stubble_seen_below_mm: float = DEFAULTS["stubble_seen_below_mm"].value
    hairs_per_unit: float = DEFAULTS["hairs_per_follicular_unit"].value
    full_unit_density_per_cm2: float = DEFAULTS["full_scalp_fu_density_per_cm2"].value

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{f.name} must be a finite number >= 0, got {value}")
        if self.optical_gain < 1:
            raise ValueError(f"optical_gain must be at least 1, got {self.optical_gain}")
        if not 0 < self.healed_shrink <= 1:
            raise ValueError(f"healed_shrink must be in (0, 1], got {self.healed_shrink}")

    @classmethod
    def from_defaults(cls, value: Callable[[str], float]) -> "RenderModel":
        """The model with each parameter read by its default's name (``Plan.default_value``)."""
        return cls(**{f: value(name) for f, name in RENDER_DEFAULT_NAMES.items()})


DEFAULT_RENDER = RenderModel()
"""The render model of ``domain.py``'s defaults."""


def session_reflectance(
    sessions: Sequence[SessionPlan],
    catalogue: PigmentCatalogue,
    skin_lab: Sequence[float],
    model: OpticalModel,
    *,
    fresh: bool = False,
    years: float = 0.0,
    sun_exposure: float = 1.0,
) -> FloatArray:
    """(sessions, 3) dot reflectance over skin reflectance, per session and channel.

    Parameters
    ----------
    sessions : sequence of SessionPlan
        The sessions (pigment and dilution; the catalogue's carbon black where none).
    catalogue : PigmentCatalogue
        Stock colours.
    skin_lab : (3,) sequence of float
        Skin colour of the photo, CIELAB.
    model : OpticalModel
        The dot model.
    fresh : bool, optional
        The day of the session (no veil, all pigment) instead of healed.
    years : float, optional
        Years after healing.
    sun_exposure : float, optional
        1 average.

    Returns
    -------
    (sessions, 3) ndarray of float
        Ratios in 0–1 (a dot never lightens the skin).
    """
    skin = lab_to_linear_rgb(skin_lab)
    ratios = []
    for s in sessions:
        pigment = catalogue.pigment(s.pigment_id or FALLBACK_PIGMENT)
        lab = dot_lab(
            pigment.base_lab,
            s.dilution_water_parts,
            skin_lab,
            model,
            healed=not fresh,
            years=years,
            sun_exposure=sun_exposure,
        )
        ratios.append(np.clip(lab_to_linear_rgb(lab) / skin, 0.0, 1.0))
    return np.asarray(ratios)


def dot_variation(
    positions_mm: PointsMM, seed: int, render: RenderModel = DEFAULT_RENDER
) -> tuple[FloatArray, FloatArray]:
    """Per-dot size and darkness factors, fixed by each dot's position and the seed.

    Drawn from a hash of the position (to the micrometre), not from a stream, so a dot keeps
    its look when others are added or removed (the incremental preview relies on it).

    Parameters
    ----------
    positions_mm : (m, 3) ndarray of float
        Dot centres, head frame, millimetres.
    seed : int
        Seed of the variation.
    render : RenderModel, optional
        Its SDs.

    Returns
    -------
    size, tone : (m,) ndarray of float
        Normal factors about 1 with SDs ``render.size_variation`` and
        ``render.tone_variation``, clipped to 0.5–1.5.
    """
    h = position_hash(positions_mm, seed)
    with np.errstate(over="ignore"):
        u1 = (_mix64(h ^ np.uint64(1)) >> np.uint64(11)).astype(np.float64) / 2.0**53
        u2 = (_mix64(h ^ np.uint64(2)) >> np.uint64(11)).astype(np.float64) / 2.0**53
    z1 = ndtri(np.clip(u1, 1e-12, 1 - 1e-12))
    z2 = ndtri(np.clip(u2, 1e-12, 1 - 1e-12))
    size = np.clip(1.0 + render.size_variation * z1, 0.5, 1.5)
    tone = np.clip(1.0 + render.tone_variation * z2, 0.5, 1.5)
    return size, tone


def position_hash(positions_mm: PointsMM, seed: int) -> np.ndarray:
    """(m,) uint64 hash of each position rounded to the micrometre, and a seed."""
    key = np.round(np.asarray(positions_mm) * 1000.0).astype(np.int64).view(np.uint64)
    with np.errstate(over="ignore"):
        h = _mix64(np.full(len(key), seed, np.uint64))
        for column in key.T:
            h = _mix64(h ^ column)
    return h


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser (Steele, Lea & Flood 2014): a well-mixed 64-bit hash."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return np.asarray(x ^ (x >> np.uint64(31)))


@dataclass(frozen=True, slots=True)
class DotLayer:
    """What the compositor draws for a set of dots, each a soft Gaussian.

    A dot looks like its pigment disc blurred by the light the skin carries sideways past
    it (``skin_light_spread_mm``), darkening ``dot_optical_gain`` times the disc's area
    (both unsourced): close up a soft dot whose middle takes the pigment model's colour,
    at portrait scale a share of a pixel's tone.

    Parameters
    ----------
    splats : Splats
        The dots' Gaussians (second moment, and darkening integral as ``area_px2``).
    darkening : (m, 3) ndarray of float
        ``1 − ρ`` per dot and channel.
    """

    splats: Splats
    darkening: FloatArray

    def composite(
        self, transmit: Float32Array, *, box: tuple[int, int, int, int] | None = None
    ) -> None:
        """Multiply a transmittance buffer by these dots, in place (all Gaussians)."""
        splat_transmittance(transmit, self.splats, self.darkening, gaussian=True, box=box)

    def shifted(self, dx_px: float, dy_px: float) -> "DotLayer":
        """The same dots moved by (dx, dy) pixels (drawn into a crop)."""
        s = self.splats
        centre = s.centre_px + np.array([dx_px, dy_px])
        moved = Splats(s.rows, centre, s.moment_px2, s.area_px2, s.cos_view)
        return DotLayer(moved, self.darkening)

    def subset(self, keep: BoolArray | IntArray) -> "DotLayer":
        """The dots selected by a mask or indices."""
        return DotLayer(self.splats.subset(keep), self.darkening[keep])

    def joined(self, other: "DotLayer") -> "DotLayer":
        """These dots followed by ``other``'s."""
        return DotLayer(
            self.splats.joined(other.splats), np.concatenate([self.darkening, other.darkening])
        )


def dot_layer(
    splats: Splats,
    diameter_mm: FloatArray,
    darkening: FloatArray,
    tone: FloatArray,
    render: RenderModel = DEFAULT_RENDER,
) -> DotLayer:
    """The look of dots already projected as pigment discs.

    Parameters
    ----------
    splats : Splats
        Pigment discs in the image (sizes already varied).
    diameter_mm : (m,) ndarray of float
        Each disc's diameter, mm (for the blur in the same units).
    darkening : (m, 3) ndarray of float
        ``1 − ρ`` of each dot's pigment over the skin, per channel.
    tone : (m,) ndarray of float
        Per-dot darkness factor (:func:`dot_variation`).
    render : RenderModel, optional
        The light's spread and the optical gain.

    Returns
    -------
    DotLayer
        Each disc's moment plus the spread's (mapped through the same footprint), its
        area times the gain.
    """
    widen = 1.0 + 16.0 * render.light_spread_mm**2 / diameter_mm**2  # d²/16 + spread²
    soft = Splats(
        splats.rows,
        splats.centre_px,
        splats.moment_px2 * widen[:, None, None],
        splats.area_px2 * render.optical_gain,
        splats.cos_view,
    )
    return DotLayer(soft, np.clip(darkening * tone[:, None], 0.0, 1.0))


def photo_dots(
    head: HeadModel,
    camera: Camera,
    width_px: int,
    height_px: int,
    pattern: Pattern,
    ratios: FloatArray,
    *,
    sessions_done: int,
    fresh_grow: float = 1.0,
    years: float = 0.0,
    seed: int = 0,
    hidden: BoolArray | None = None,
    depth: DepthBuffer | None = None,
    render: RenderModel = DEFAULT_RENDER,
) -> DotLayer:
    """The dots of the first ``sessions_done`` sessions as one photo shows them.

    Parameters
    ----------
    head : HeadModel
        The surface (occlusion).
    camera : Camera
        The photo's camera.
    width_px, height_px : int
        The photo's size.
    pattern : Pattern
        The impressions (any subset: rows are this pattern's).
    ratios : (sessions, 3) ndarray of float
        Each session's dot reflectance over the skin's (:func:`session_reflectance`).
    sessions_done : int
        Sessions drawn.
    fresh_grow : float, optional
        Diameter factor of the last session's dots (fresh dots are larger).
    years : float, optional
        Years after healing (dots spread by ``dot_spread_mm_per_year``).
    seed : int, optional
        Seed of the per-dot variation.
    hidden : (h, w) ndarray of bool, optional
        Pixels where no dot shows (the background; long hair kept over the scalp).
    depth : DepthBuffer, optional
        The camera's depth buffer, if already made.
    render : RenderModel, optional
        How dots look.

    Returns
    -------
    DotLayer
    """
    diameter = pattern.dot_diameter_mm + render.spread_mm_per_year * years
    grown = Pattern(
        pattern.positions_mm,
        pattern.normals,
        diameter,
        pattern.fu_id,
        pattern.zone_id,
        pattern.session,
    )
    splats = project_splats(
        head, camera, grown, width_px, height_px, background=hidden, depth=depth
    )
    splats = splats.subset(pattern.session[splats.rows] < sessions_done)
    session = pattern.session[splats.rows]
    size, tone = dot_variation(pattern.positions_mm[splats.rows], seed, render)
    size = size * np.where(session == sessions_done - 1, fresh_grow, 1.0)
    splats = Splats(
        splats.rows,
        splats.centre_px,
        splats.moment_px2 * (size**2)[:, None, None],
        splats.area_px2 * size**2,
        splats.cos_view,
    )
    layer = dot_layer(splats, diameter[splats.rows] * size, 1.0 - ratios[session], tone, render)
    return blurred_by_photo(layer, render.photo_blur_px)


def blurred_by_photo(layer: DotLayer, blur_px: float) -> DotLayer:
    """The dots softened as the photo is, by a Gaussian of SD ``blur_px`` pixels."""
    s = layer.splats
    moment = s.moment_px2 + blur_px**2 * np.eye(2)
    return DotLayer(Splats(s.rows, s.centre_px, moment, s.area_px2, s.cos_view), layer.darkening)


def hidden_pixels(view: View, scalp: BoolArray, keep_hair: bool) -> BoolArray:
    """Pixels of a photo where no dot shows.

    Parameters
    ----------
    view : View
        The photo's analysis (masks).
    scalp : (h, w) ndarray of bool
        Pixels that show the head model's scalp (:meth:`PhotoGeometry.scalp`).
    keep_hair : bool
        Long hair kept: the hair mask hides dots too.

    Returns
    -------
    (h, w) ndarray of bool
        Off the visible scalp, on the background, and on kept hair.
    """
    hidden = ~scalp
    if "background" in view.masks:
        hidden |= view.masks["background"]
    if keep_hair and "hair" in view.masks:
        hidden |= view.masks["hair"]
    return np.asarray(hidden)


def healed_preview(
    image: ImageRGB,
    view: View,
    head: HeadModel,
    pattern: Pattern,
    sessions: Sequence[SessionPlan],
    catalogue: PigmentCatalogue,
    model: OpticalModel,
    *,
    sessions_done: int | None = None,
    fresh: bool = False,
    years: float = 0.0,
    seed: int = 0,
    keep_hair: bool = False,
    render: RenderModel = DEFAULT_RENDER,
    geometry: PhotoGeometry | None = None,
) -> ImageRGB:
    """The photo with the dots of the first ``sessions_done`` sessions.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The view's photo (or its clipped-hair version, :func:`clipped_hair`), upright sRGB.
    view : View
        Its analysis, with a camera registered to the head.
    head : HeadModel
        The surface (occlusion).
    pattern : Pattern
        The impressions with their sessions.
    sessions : sequence of SessionPlan
        The sessions (shades).
    catalogue : PigmentCatalogue
        Stock colours of the pigments.
    model : OpticalModel
        The dot model.
    sessions_done : int, optional
        How many sessions (default all).
    fresh : bool, optional
        On the day of the last session: fresh dots (larger by the healing shrink, full
        pigment, a reddened surround) for that session, healed ones before it.
    years : float, optional
        Years after healing (fading, spread).
    seed : int, optional
        Seed of the per-dot variation.
    keep_hair : bool, optional
        Long hair kept (diffuse thinning): dots show only on the scalp between hairs (the
        analysis' hair mask hides them).
    render : RenderModel, optional
        How dots look (``RenderModel.from_defaults(plan.default_value)`` for a plan's edits).
    geometry : PhotoGeometry, optional
        The head model seen through the view's camera (:func:`photo_geometry`), if made.

    Returns
    -------
    (h, w, 3) ndarray of uint8
        A new image.

    Raises
    ------
    PlanValidationError
        If the view has no camera or the image is not the view's size.
    """
    if view.camera is None:
        raise PlanValidationError(f"view '{view.name}' has no camera; run the head stage first")
    view.check_image(image)
    done = len(sessions) if sessions_done is None else sessions_done
    ratios = session_reflectance(sessions, catalogue, view.skin_lab, model, years=years)
    grow = 1.0
    if fresh and done > 0:
        new = session_reflectance(sessions, catalogue, view.skin_lab, model, fresh=True)
        ratios[done - 1] = new[done - 1]
        grow = 1.0 / render.healed_shrink
    if geometry is None:
        geometry = photo_geometry(head, view.camera, view.width_px, view.height_px)
    hidden = hidden_pixels(view, geometry.scalp(head), keep_hair)
    layer = photo_dots(
        head,
        view.camera,
        view.width_px,
        view.height_px,
        pattern,
        ratios,
        sessions_done=done,
        fresh_grow=grow,
        years=years,
        seed=seed,
        hidden=hidden,
        depth=geometry.depth,
        render=render,
    )
    out = image.copy()
    rows, cols = np.nonzero(np.any(~hidden, axis=1)), np.nonzero(np.any(~hidden, axis=0))
    if len(rows[0]) == 0:
        return out
    # only the box round the visible scalp is drawn: the dots cannot reach past it
    y0, y1, x0, x1 = rows[0][0], rows[0][-1] + 1, cols[0][0], cols[0][-1] + 1
    box = (slice(y0, y1), slice(x0, x1))
    layer = layer.shifted(-float(x0), -float(y0))
    transmit = np.ones((y1 - y0, x1 - x0, 3), dtype=np.float32)
    layer.composite(transmit)
    if fresh and done > 0:
        _redden(transmit, layer, pattern.session, done - 1, render)
    transmit[hidden[box]] = 1.0  # a dot's glow stops at the scalp's edge and at kept hair
    out[box] = apply_transmittance(image[box], transmit)
    return out


def _redden(
    transmit: Float32Array, layer: DotLayer, session: IntArray, today: int, render: RenderModel
) -> None:
    """A faint red surround of fresh dots (``fresh_redness``, unsourced).

    A Gaussian ``fresh_redness_reach`` times as wide as each fresh dot, as much as a disc
    that many dot diameters across, taking ``fresh_redness`` of the green and blue it
    covers.
    """
    fresh = layer.splats.subset(session[layer.splats.rows] == today)
    reach = render.fresh_redness_reach
    pigment_area = fresh.area_px2 / render.optical_gain  # the layer's area is the gain's
    halo = Splats(
        fresh.rows,
        fresh.centre_px,
        fresh.moment_px2 * reach**2,
        pigment_area * reach**2,
        fresh.cos_view,
    )
    strength = render.fresh_redness
    splat_transmittance(
        transmit, halo, np.tile([0.0, strength, strength], (len(halo), 1)), gaussian=True
    )
