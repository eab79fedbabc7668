"""Choosing a pigment and dilution for a client, and forecasting fading and touch-ups."""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from smpstudio._typing import FloatArray
from smpstudio.domain import DEFAULTS
from smpstudio.pigment._catalogue import PigmentCatalogue
from smpstudio.pigment._colour import delta_e_2000
from smpstudio.pigment._optics import OpticalModel, dot_lab, hair_section_lab

Lab = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Shade:
    """A pigment at a dilution, with its predicted healed colour on the client's skin.

    Parameters
    ----------
    pigment_id : str
        Catalogue id of the pigment.
    dilution_water_parts : float
        Water parts per part pigment.
    healed_lab : tuple of float
        Predicted healed dot colour, CIELAB.
    target_lab : tuple of float or None
        What it aims at: a shaved hair's cross-section, CIELAB; None without a hair colour.
    delta_e00 : float or None
        ΔE00 between ``healed_lab`` and ``target_lab``.
    """

    pigment_id: str
    dilution_water_parts: float
    healed_lab: Lab
    target_lab: Lab | None
    delta_e00: float | None


def _lab(values: ArrayLike) -> Lab:
    a = np.asarray(values, dtype=np.float64)
    return (round(float(a[0]), 2), round(float(a[1]), 2), round(float(a[2]), 2))


def dilution_steps(
    max_water_parts: float = DEFAULTS["max_dilution_water_parts"].value,
) -> FloatArray:
    """Dilutions the search considers: whole water parts 0 … ``max_water_parts``.

    Examples
    --------
    >>> dilution_steps(3).tolist()
    [0.0, 1.0, 2.0, 3.0]
    """
    return np.arange(0.0, np.floor(max_water_parts) + 1.0)


def shade_of(
    pigment_lab: ArrayLike,
    pigment_id: str,
    dilution_water_parts: float,
    skin_lab: ArrayLike,
    target_lab: ArrayLike | None,
    model: OpticalModel,
) -> Shade:
    """The :class:`Shade` of one pigment at one dilution on a skin."""
    healed = dot_lab(pigment_lab, dilution_water_parts, skin_lab, model)
    delta = None if target_lab is None else float(delta_e_2000(healed, target_lab))
    return Shade(
        pigment_id,
        float(dilution_water_parts),
        _lab(healed),
        None if target_lab is None else _lab(target_lab),
        None if delta is None else round(delta, 2),
    )


def choose_shade(
    catalogue: PigmentCatalogue,
    skin_lab: ArrayLike,
    hair_lab: ArrayLike,
    model: OpticalModel,
    *,
    on: dt.date | None = None,
    dilutions: FloatArray | None = None,
) -> Shade:
    """The pigment and dilution whose predicted healed dot best matches a shaved hair.

    Parameters
    ----------
    catalogue : PigmentCatalogue
        The pigments to choose from.
    skin_lab, hair_lab : (3,) array_like of float
        The client's scalp skin and hair colour, CIELAB (from the photo analysis).
    model : OpticalModel
        Parameters of the dot model.
    on : datetime.date, optional
        Only pigments with a lot still good on this day (none: ignore lots).
    dilutions : ndarray of float, optional
        Water parts to consider (default :func:`dilution_steps`).

    Returns
    -------
    Shade
        Smallest ΔE00 to :func:`hair_section_lab`; of equal ones, the most diluted
        (``domain.md`` §6.4: too dark is worse than too light, start conservative).

    Raises
    ------
    ValueError
        If no pigment has a usable lot on ``on``.
    """
    steps = dilution_steps() if dilutions is None else np.asarray(dilutions, dtype=np.float64)
    target = hair_section_lab(hair_lab, skin_lab, model)
    usable = [p for p in catalogue.pigments if on is None or catalogue.usable_lot(p.pigment_id, on)]
    if not usable:
        raise ValueError(f"no pigment in {catalogue.source} has a lot that is good on {on}")
    best: tuple[float, float, int] | None = None
    for k, p in enumerate(usable):
        delta = delta_e_2000(dot_lab(p.base_lab, steps, skin_lab, model), target)
        i = int(np.flatnonzero(delta <= delta.min() + 1e-9)[-1])
        key = (round(float(delta[i]), 6), -float(steps[i]), k)
        if best is None or key < best:
            best = key
    assert best is not None
    pigment = usable[best[2]]
    return shade_of(pigment.base_lab, pigment.pigment_id, -best[1], skin_lab, target, model)


def lighter_shade(
    shade: Shade,
    pigment_lab: ArrayLike,
    skin_lab: ArrayLike,
    model: OpticalModel,
    *,
    lighter_by_l: float,
    dilutions: FloatArray | None = None,
) -> Shade:
    """The same pigment diluted until it heals ``lighter_by_l`` L* lighter.

    Parameters
    ----------
    shade : Shade
        The chosen shade.
    pigment_lab : (3,) array_like of float
        Its pigment's stock colour.
    skin_lab : (3,) array_like of float
        Skin colour.
    model : OpticalModel
        Parameters.
    lighter_by_l : float
        How much lighter, L* (``first_session_lightening_l``).
    dilutions : ndarray of float, optional
        Water parts to consider.

    Returns
    -------
    Shade
        The least diluted step at least that much lighter; the most diluted step where
        none is.
    """
    steps = dilution_steps() if dilutions is None else np.asarray(dilutions, dtype=np.float64)
    steps = steps[steps >= shade.dilution_water_parts]
    lightness = dot_lab(pigment_lab, steps, skin_lab, model)[:, 0]
    enough = np.flatnonzero(lightness >= shade.healed_lab[0] + lighter_by_l)
    water = steps[enough[0]] if len(enough) else steps[-1]
    return shade_of(pigment_lab, shade.pigment_id, water, skin_lab, shade.target_lab, model)


def fading_delta_e(
    shade: Shade,
    pigment_lab: ArrayLike,
    skin_lab: ArrayLike,
    model: OpticalModel,
    years: ArrayLike,
    *,
    sun_exposure: float = 1.0,
) -> FloatArray:
    """ΔE00 between the dot after ``years`` and the dot just healed.

    Parameters
    ----------
    shade : Shade
        The shade placed.
    pigment_lab, skin_lab : (3,) array_like of float
        Pigment stock and skin colour.
    model : OpticalModel
        Parameters (fading rate and sun share).
    years : array_like of float
        Years since healing.
    sun_exposure : float, optional
        1 average (:meth:`OpticalModel.remaining_share`).

    Returns
    -------
    ndarray of float
        ΔE00, 0 at year 0, non-decreasing in years.
    """
    faded = dot_lab(
        pigment_lab,
        shade.dilution_water_parts,
        skin_lab,
        model,
        years=years,
        sun_exposure=sun_exposure,
    )
    return delta_e_2000(faded, np.asarray(shade.healed_lab))


def touch_up_due_years(
    shade: Shade,
    pigment_lab: ArrayLike,
    skin_lab: ArrayLike,
    model: OpticalModel,
    *,
    sun_exposure: float = 1.0,
    threshold_delta_e00: float = DEFAULTS["touch_up_delta_e00"].value,
    horizon_years: float = 30.0,
) -> float | None:
    """Years after healing until the dot has faded by ``threshold_delta_e00``.

    Parameters
    ----------
    shade, pigment_lab, skin_lab, model, sun_exposure
        As :func:`fading_delta_e`.
    threshold_delta_e00 : float, optional
        Fading that calls for a touch-up (``touch_up_delta_e00``).
    horizon_years : float, optional
        Search no further.

    Returns
    -------
    float or None
        Years, to 0.01 (bisection on the monotone fading curve); None where the dot
        does not fade that much within the horizon (e.g. no sun and no fading rate).
    """
    if (
        fading_delta_e(
            shade, pigment_lab, skin_lab, model, horizon_years, sun_exposure=sun_exposure
        )
        < threshold_delta_e00
    ):
        return None
    low, high = 0.0, horizon_years
    while high - low > 0.005:
        mid = 0.5 * (low + high)
        if (
            fading_delta_e(shade, pigment_lab, skin_lab, model, mid, sun_exposure=sun_exposure)
            < threshold_delta_e00
        ):
            low = mid
        else:
            high = mid
    return round(high, 2)
