"""Revising the remaining sessions from a follow-up photo of the healed ones.

Session 1 also tests the healed colour (``domain.md`` §5.4). A follow-up photo, registered
to the head, shows the healed dots of the sessions done; :func:`measure_follow_up` measures
their colour and which units show, :func:`revise_sessions` recalibrates the dot model to
the measurement, re-chooses the remaining sessions' dilution and lists the units that did
not show for re-pigmenting — a list apart from the partition, which never changes.

Measurement (``docs/sessions.md``), in linear sRGB: a median filter wider than a unit
removes the sparse dots and leaves the skin colour around them. Each measured unit's dots are
projected into the photo as a template of expected pixel coverage; least squares fits the
photo's darkening against the skin colour as template × (skin − dot). The same fit around units of
later sessions, not yet placed, gives the baseline and spread that pores, texture and noise
produce. The healed colour is the median over units; a unit is judged where a dot of that
colour would stand out by ``MIN_DECISION_SIGMAS``, and shows when its fit passes half of
what the typical judged unit gives.
"""

import datetime as dt
from dataclasses import dataclass, replace

import cv2
import numpy as np

from smpstudio._typing import BoolArray, FloatArray, ImageRGB, IntArray
from smpstudio.analysis import srgb_to_linear
from smpstudio.core import HeadModel, Pattern, Revision, SessionPlan, TouchUp, View
from smpstudio.errors import PlanValidationError
from smpstudio.head import project_visible
from smpstudio.pigment import (
    OpticalModel,
    PigmentCatalogue,
    delta_e_2000,
    dot_lab,
    linear_rgb_to_lab,
)

MIN_DOT_DIAMETER_PX = 1.0
"""A dot must span at least this many pixels for the photo to measure it."""
MAX_VIEW_ANGLE_DEG = 75.0
"""Dots seen more obliquely than this are not measured."""
MIN_DECISION_SIGMAS = 4.0
"""A unit is judged (shows or not) only where a healed dot would stand this many robust SDs
of the skin's own texture above it; it shows when its fit passes half that contrast."""
PSF_SIGMA_PX = 0.7
"""Assumed blur of the photo (lens, demosaicing), Gaussian SD in pixels."""
DISC_SAMPLES = 128
"""Samples per dot disc when predicting its pixel coverage."""
MEDIAN_WINDOW_MM = 2.0
"""Half-size of the median filter that gives the skin under the dots, mm on the scalp
(larger than a unit, smaller than the spacing of skin shading)."""
MIN_CONTROL_UNITS = 30
"""Units of later sessions needed in the photo to measure the baseline."""


@dataclass(frozen=True, slots=True)
class FollowUpMeasurement:
    """What a follow-up photo shows of the sessions done.

    Parameters
    ----------
    measured_lab : tuple of float
        Healed dot colour, the median over the measured units, CIELAB.
    skin_lab : tuple of float
        Median skin colour around them, CIELAB.
    unit_ids : (u,) ndarray of int
        Units the photo can judge (``fu_id``); units too faint against the skin's texture
        to judge are left out, neither seen nor missing.
    unit_seen : (u,) ndarray of bool
        Whether each shows as dots.
    impressions_measured : int
        Impressions in the judged units.
    """

    measured_lab: tuple[float, float, float]
    skin_lab: tuple[float, float, float]
    unit_ids: IntArray
    unit_seen: BoolArray
    impressions_measured: int

    @property
    def seen_share(self) -> float:
        """Share of measured units that show."""
        return float(self.unit_seen.mean()) if len(self.unit_seen) else 0.0


@dataclass(frozen=True, slots=True)
class _Templates:
    """Expected coverage of each unit's dots in the photo, as (unit, pixel, weight) rows."""

    ids: IntArray
    unit: IntArray
    pixel: IntArray
    weight: FloatArray


def _disc_offsets(count: int) -> FloatArray:
    """(count, 2) points spread evenly over the unit disc (Vogel's sunflower spiral)."""
    k = np.arange(count) + 0.5
    r = np.sqrt(k / count)
    theta = k * np.pi * (3.0 - np.sqrt(5.0))
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def _unit_templates(view: View, head: HeadModel, pattern: Pattern, rows: IntArray) -> _Templates:
    """The expected pixel coverage of the units of ``rows`` that the photo can measure.

    A unit is measured when every dot of it is seen (not hidden by the head), faces the
    camera within ``MAX_VIEW_ANGLE_DEG``, lies on bare skin (not the hair or background
    mask) and spans at least ``MIN_DOT_DIAMETER_PX``. Each dot's disc is sampled in its
    tangent plane, projected, and blurred by ``PSF_SIGMA_PX`` (by jittering the samples):
    the weights in a pixel add up to the share of it the dot covers.
    """
    assert view.camera is not None
    camera = view.camera
    points = pattern.positions_mm[rows]
    xy, visible = project_visible(head, camera, points, view.width_px, view.height_px)
    to_camera = camera.centre_mm - points
    distance = np.linalg.norm(to_camera, axis=1)
    normals = pattern.normals[rows]
    cos_view = np.einsum("ij,ij->i", normals, to_camera) / distance
    diameter_px = camera.fx_px * pattern.dot_diameter_mm[rows] / distance
    ok = visible & (cos_view >= np.cos(np.radians(MAX_VIEW_ANGLE_DEG)))
    ok &= diameter_px >= MIN_DOT_DIAMETER_PX
    col = np.clip(np.round(xy[:, 0]), 0, view.width_px - 1).astype(np.int64)
    row = np.clip(np.round(xy[:, 1]), 0, view.height_px - 1).astype(np.int64)
    for name in ("background", "hair"):
        mask = view.masks.get(name)
        if mask is not None:
            ok &= ~mask[row, col]
    ids, inverse = np.unique(pattern.fu_id[rows], return_inverse=True)
    unit_ok = np.ones(len(ids), dtype=bool)
    np.logical_and.at(unit_ok, inverse, ok)
    dots = np.flatnonzero(unit_ok[inverse])
    kept = np.cumsum(unit_ok) - 1
    # a tangent frame per dot, then DISC_SAMPLES points over its disc
    n = normals[dots]
    helper = np.where(np.abs(n[:, :1]) < 0.9, [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
    u = np.cross(n, helper)
    u /= np.linalg.norm(u, axis=1)[:, None]
    v = np.cross(n, u)
    disc = _disc_offsets(DISC_SAMPLES) * 0.5
    diameter = pattern.dot_diameter_mm[rows][dots][:, None, None]
    samples = points[dots][:, None, :] + diameter * (
        disc[None, :, :1] * u[:, None, :] + disc[None, :, 1:] * v[:, None, :]
    )
    sample_xy, _ = camera.project(samples.reshape(-1, 3))
    jitter = np.random.default_rng(0).normal(0.0, PSF_SIGMA_PX, sample_xy.shape)
    pixel_xy = np.floor(sample_xy + jitter + 0.5).astype(np.int64)
    area = (np.pi / 4 * diameter_px[dots] ** 2 * cos_view[dots]) / DISC_SAMPLES
    inside = (
        (pixel_xy[:, 0] >= 0)
        & (pixel_xy[:, 0] < view.width_px)
        & (pixel_xy[:, 1] >= 0)
        & (pixel_xy[:, 1] < view.height_px)
    )
    npix = view.width_px * view.height_px
    unit = np.repeat(kept[inverse[dots]], DISC_SAMPLES)[inside]
    pixel = pixel_xy[inside, 1] * view.width_px + pixel_xy[inside, 0]
    key, where = np.unique(unit * npix + pixel, return_inverse=True)
    weight = np.bincount(where, np.repeat(area, DISC_SAMPLES)[inside], minlength=len(key))
    return _Templates(ids[unit_ok], key // npix, key % npix, weight.astype(np.float64))


def _fit_units(
    templates: _Templates, darkening: FloatArray, skin: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Least-squares dot contrast per unit: darkening ≈ template × (skin − dot).

    Returns (u, 3) contrast, (u, 3) template-weighted skin and (u,) template norms.
    """
    count = len(templates.ids)
    w = templates.weight
    norm = np.bincount(templates.unit, w * w, minlength=count)
    contrast = (
        np.column_stack(
            [
                np.bincount(templates.unit, w * darkening[templates.pixel, c], minlength=count)
                for c in range(3)
            ]
        )
        / norm[:, None]
    )
    under = (
        np.column_stack(
            [
                np.bincount(templates.unit, w * skin[templates.pixel, c], minlength=count)
                for c in range(3)
            ]
        )
        / np.bincount(templates.unit, w, minlength=count)[:, None]
    )
    return contrast, under, np.sqrt(norm)


def measure_follow_up(
    image: ImageRGB, view: View, head: HeadModel, pattern: Pattern, *, sessions_done: int
) -> FollowUpMeasurement:
    """Measure the healed dots of the first ``sessions_done`` sessions on a photo.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The follow-up photo, upright sRGB.
    view : View
        Its analysis, registered to the head (a camera).
    head : HeadModel
        The head surface.
    pattern : Pattern
        The impressions with their sessions.
    sessions_done : int
        Sessions done and healed (1 or more, fewer than the sessions planned: the units of
        later sessions, not yet placed, are the baseline).

    Returns
    -------
    FollowUpMeasurement
        The healed colour, the skin around, and which measured units show.

    Raises
    ------
    PlanValidationError
        If the view has no camera, the photo's size differs from the view's, or the photo
        does not resolve the dots on facing, bare scalp: the message says how much closer
        to take it.
    """
    if view.camera is None:
        raise PlanValidationError(f"follow-up photo '{view.name}' is not registered to the head")
    view.check_image(image)
    planned = int(pattern.session.max(initial=0)) + 1
    if not 1 <= sessions_done < planned:
        raise PlanValidationError(
            f"sessions_done must be 1 to {planned - 1} (the later sessions are the baseline), "
            f"got {sessions_done}"
        )
    done = np.flatnonzero(pattern.session < sessions_done)
    measured = _unit_templates(view, head, pattern, done)
    control = _unit_templates(view, head, pattern, np.flatnonzero(pattern.session >= sessions_done))
    if len(measured.ids) == 0 or len(control.ids) < MIN_CONTROL_UNITS:
        distance_mm = _distance_mm(view, pattern, done)
        px = view.camera.fx_px * float(np.median(pattern.dot_diameter_mm[done] / distance_mm))
        raise PlanValidationError(
            f"follow-up photo '{view.name}' shows the dots at {px:.2f} px across (need "
            f"{MIN_DOT_DIAMETER_PX:g} px on bare scalp facing the camera within "
            f"{MAX_VIEW_ANGLE_DEG:g}°): {len(measured.ids)} units of the done sessions and "
            f"{len(control.ids)} of the later ones can be measured; take the photo closer, "
            "sharper or looking more squarely at the treated scalp"
        )
    linear = srgb_to_linear(image / 255.0).reshape(-1, 3)
    distance = float(np.median(_distance_mm(view, pattern, done)))
    reach = int(np.ceil(MEDIAN_WINDOW_MM * view.camera.fx_px / distance))
    smooth = np.asarray(cv2.medianBlur(np.ascontiguousarray(image), 2 * reach + 1), np.uint8)
    skin = srgb_to_linear(smooth / 255.0).reshape(-1, 3)
    darkening = skin - linear
    contrast, under, norm = _fit_units(measured, darkening, skin)
    c_contrast, _, c_norm = _fit_units(control, darkening, skin)
    luminance = np.array([0.2126, 0.7152, 0.0722])
    # units not yet placed: the contrast that pores, texture and noise give alone
    baseline = np.median(c_contrast, axis=0)
    c_score = ((c_contrast - baseline) @ luminance) * c_norm
    spread = 1.4826 * float(np.median(np.abs(c_score - np.median(c_score))))
    contrast = contrast - baseline
    score = (contrast @ luminance) * norm
    # the healed colour: the median over units is robust to the units that did not take
    dot = np.median(np.clip(under - contrast, 1e-4, 1.0), axis=0)
    expected = ((under - dot) @ luminance) * norm
    decided = expected >= MIN_DECISION_SIGMAS * spread
    if not decided.any():
        raise PlanValidationError(
            f"follow-up photo '{view.name}' is too noisy to tell dots from skin: the dots' "
            f"expected contrast is below {MIN_DECISION_SIGMAS:g} SDs of the skin's texture in "
            "every unit; take it closer and sharper"
        )
    # a unit shows when its fit passes half of what a typical unit gives (the median over
    # judged units, robust while fewer than half are missing)
    typical = float(np.median(score[decided] / expected[decided]))
    seen = score > 0.5 * typical * expected
    rows = np.isin(pattern.fu_id[done], measured.ids[decided])
    return FollowUpMeasurement(
        _lab3(linear_rgb_to_lab(dot)),
        _lab3(linear_rgb_to_lab(np.median(under, axis=0))),
        measured.ids[decided],
        seen[decided],
        int(rows.sum()),
    )


def _distance_mm(view: View, pattern: Pattern, rows: IntArray) -> FloatArray:
    """Distance from the camera to each impression of ``rows``, mm."""
    assert view.camera is not None
    return np.asarray(np.linalg.norm(view.camera.centre_mm - pattern.positions_mm[rows], axis=1))


def _lab3(lab: FloatArray) -> tuple[float, float, float]:
    return (round(float(lab[0]), 2), round(float(lab[1]), 2), round(float(lab[2]), 2))


def calibrate_optical_depth(
    pigment_lab: tuple[float, float, float],
    dilution_water_parts: float,
    skin_lab: tuple[float, float, float],
    measured_lab: tuple[float, float, float],
    model: OpticalModel,
) -> tuple[OpticalModel, bool]:
    """Scale the stock optical depth until the model heals to the measured lightness.

    Returns
    -------
    model : OpticalModel
        With ``stock_optical_depth`` scaled by 1/50 … 50.
    exact : bool
        False where even the ends of that range cannot reach the measured L* (then the
        nearest end is kept).
    """

    def lightness(scale: float) -> float:
        m = model.with_changes(stock_optical_depth=model.stock_optical_depth * scale)
        return float(dot_lab(pigment_lab, dilution_water_parts, skin_lab, m)[0])

    low, high = np.log(1 / 50), np.log(50.0)
    target = measured_lab[0]
    if not lightness(np.exp(high)) <= target <= lightness(np.exp(low)):
        end = high if target < lightness(np.exp(high)) else low
        return model.with_changes(
            stock_optical_depth=model.stock_optical_depth * np.exp(end)
        ), False
    for _ in range(50):
        mid = 0.5 * (low + high)
        if lightness(np.exp(mid)) > target:
            low = mid
        else:
            high = mid
    scale = float(np.exp(0.5 * (low + high)))
    return model.with_changes(stock_optical_depth=model.stock_optical_depth * scale), True


def revise_sessions(
    sessions: tuple[SessionPlan, ...],
    pattern: Pattern,
    measurement: FollowUpMeasurement,
    *,
    catalogue: PigmentCatalogue,
    model: OpticalModel,
    skin_lab: tuple[float, float, float],
    sessions_done: int,
    date: dt.date,
    view_name: str,
    max_water_parts: float,
) -> tuple[tuple[SessionPlan, ...], TouchUp | None, Revision]:
    """Adjust the remaining sessions to what the follow-up measured.

    Parameters
    ----------
    sessions : tuple of SessionPlan
        The plan's sessions (the done ones must name a pigment).
    pattern : Pattern
        The impressions with their sessions (unchanged).
    measurement : FollowUpMeasurement
        From :func:`measure_follow_up`.
    catalogue : PigmentCatalogue
        For the pigment's stock colour and lots.
    model : OpticalModel
        The dot model the plan used.
    skin_lab : tuple of float
        The skin colour the plan's shades were chosen for, CIELAB. The model is calibrated
        on the skin around the measured dots (the photo's light), then the remaining
        sessions are re-chosen for this skin and their stored targets.
    sessions_done : int
        Sessions done when the photo was taken.
    date : datetime.date
        Day of the photo.
    view_name : str
        The photo's name.
    max_water_parts : float
        Most water per part pigment to consider.

    Returns
    -------
    sessions : tuple of SessionPlan
        Remaining sessions with the dilution that, in the recalibrated model, heals
        nearest the target; done sessions unchanged.
    repeat : TouchUp or None
        The impressions of done units that did not show, to pigment again in the next
        session; None where all showed.
    revision : Revision
        The measurement and every change, in words.
    """
    last_done = sessions[sessions_done - 1]
    if last_done.pigment_id is None or last_done.healed_lab is None:
        raise PlanValidationError(
            "the sessions done name no pigment (no hair colour was known): nothing to "
            "calibrate against"
        )
    pigment = catalogue.pigment(last_done.pigment_id)
    calibrated, exact = calibrate_optical_depth(
        pigment.base_lab,
        last_done.dilution_water_parts,
        measurement.skin_lab,
        measurement.measured_lab,
        model,
    )
    predicted = dot_lab(
        pigment.base_lab, last_done.dilution_water_parts, measurement.skin_lab, model
    )
    changes = [
        f"healed colour measured L*a*b* {_fmt(measurement.measured_lab)}, model predicted "
        f"{_fmt(tuple(predicted))} on the same skin (ΔE00 "
        f"{float(delta_e_2000(measurement.measured_lab, predicted)):.1f}); pigment optical "
        f"depth {model.stock_optical_depth:g} → {calibrated.stock_optical_depth:.3g}"
        + ("" if exact else " (at the end of its range: the measurement is outside the model)")
    ]
    revised = list(sessions)
    steps = np.arange(0.0, np.floor(max_water_parts) + 1.0)
    for k in range(sessions_done, len(sessions)):
        s = sessions[k]
        if s.pigment_id is None or s.target_lab is None:
            continue
        base = catalogue.pigment(s.pigment_id).base_lab
        healed = dot_lab(base, steps, skin_lab, calibrated)
        delta = delta_e_2000(healed, s.target_lab)
        i = int(np.flatnonzero(delta <= delta.min() + 1e-9)[-1])
        new = replace(
            s,
            dilution_water_parts=float(steps[i]),
            healed_lab=tuple(round(float(v), 2) for v in healed[i]),  # type: ignore[arg-type]
            delta_e00=round(float(delta[i]), 2),
        )
        if new.dilution_water_parts != s.dilution_water_parts:
            changes.append(
                f"session {k + 1}: dilution {s.dilution_water_parts:g}:1 → "
                f"{new.dilution_water_parts:g}:1 (predicted ΔE00 to target {new.delta_e00:.1f})"
            )
        revised[k] = new
    missing = measurement.unit_ids[~measurement.unit_seen]
    repeat = None
    if len(missing):
        ids = np.flatnonzero(np.isin(pattern.fu_id, missing) & (pattern.session < sessions_done))
        nxt = revised[sessions_done]
        when = nxt.date_window[0] if nxt.date_window else date.isoformat()
        repeat = TouchUp(
            date=when,
            impression_ids=ids.astype(np.int64),
            pigment_id=nxt.pigment_id,
            pigment_lot=nxt.pigment_lot,
            dilution_water_parts=nxt.dilution_water_parts,
            reason=f"did not show healed on the follow-up photo of {date.isoformat()}",
        )
        changes.append(
            f"{len(missing)} of {len(measurement.unit_ids)} measured units "
            f"({len(ids)} impressions) did not show: pigment them again in session "
            f"{sessions_done + 1}"
        )
    revision = Revision(
        date=date.isoformat(),
        view=view_name,
        sessions_seen=sessions_done,
        measured_lab=measurement.measured_lab,
        predicted_lab=tuple(round(float(v), 2) for v in predicted),  # type: ignore[arg-type]
        impressions_measured=measurement.impressions_measured,
        seen_share=round(measurement.seen_share, 4),
        changes=tuple(changes),
    )
    return tuple(revised), repeat, revision


def _fmt(lab: tuple[float, ...]) -> str:
    return "(" + ", ".join(f"{v:.1f}" for v in lab) + ")"
