"""A documented optical model of one pigment dot in skin: fresh, healed and faded.

``domain.md`` has no quantitative source for how a dilution heals on a given skin (§6.4,
§11), so this is a stated model with editable, unsourced parameters (``docs/pigment.md``
derives it). Light mixes in linear sRGB reflectance, one band per channel at the
wavelengths of :data:`RGB_WAVELENGTHS_NM`:

1. The dot's pigment covers a share ``a = 1 − exp(−τ)`` of the light reaching it, with
   optical depth ``τ = τ_stock · m / (1 + w)``: ``w`` parts water per part pigment, ``m``
   the share of pigment still there (1 fresh; ``pigment_retained_fraction`` once healed,
   ``domain.md`` §6.1; less as it fades).
2. Under the pigment is skin: the dermal layer returns ``(1 − a)·S + a·P`` (S skin, P the
   pigment's stock reflectance).
3. Healed skin above the pigment returns a veil ``v_λ = v · (550 nm / λ)^k`` of skin-coloured
   light before any reaches the pigment, more at short wavelengths — healed dots read lighter
   and cooler than fresh ones (§5.4, §6.2). A fresh dot, pigment at the wound's surface, has
   no veil.

The healed dot is ``v_λ·S + (1 − v_λ)·((1 − a)·S + a·P)``. The target is a shaved hair's
section: light enters the cut end and crosses ``hair_section_path_ratio`` times the melanin
it crosses side-on, so its reflectance is the measured hair's raised to that power, seen
through the same veil (:func:`hair_section_lab`).
"""

from collections.abc import Callable
from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import ArrayLike

from smpstudio._typing import FloatArray
from smpstudio.domain import DEFAULTS
from smpstudio.pigment._colour import lab_to_linear_rgb, linear_rgb_to_lab

RGB_WAVELENGTHS_NM = np.array([612.0, 549.0, 465.0])
"""Dominant wavelengths of the sRGB primaries, nm (the model's three bands)."""
VEIL_REFERENCE_NM = 550.0
"""Wavelength at which ``epidermal_veil_fraction`` is given, nm."""


OPTICAL_DEFAULT_NAMES = {
    "retained_fraction": "pigment_retained_fraction",
    "stock_optical_depth": "pigment_stock_optical_depth",
    "veil_fraction": "epidermal_veil_fraction",
    "veil_wavelength_exponent": "veil_wavelength_exponent",
    "hair_section_path_ratio": "hair_section_path_ratio",
    "fade_rate_per_year": "fade_rate_per_year",
    "sun_share_of_fading": "sun_share_of_fading",
}
"""The named default behind each :class:`OpticalModel` parameter."""


@dataclass(frozen=True, slots=True)
class OpticalModel:
    """Parameters of the dot model; each defaults to the named default in ``domain.py``.

    Parameters
    ----------
    retained_fraction : float
        Share of pigment left once healed (``pigment_retained_fraction``).
    stock_optical_depth : float
        Optical depth at stock strength (``pigment_stock_optical_depth``, unsourced).
    veil_fraction : float
        Veil of healed skin over the pigment at 550 nm (``epidermal_veil_fraction``,
        unsourced).
    veil_wavelength_exponent : float
        Wavelength dependence of the veil (unsourced).
    hair_section_path_ratio : float
        Melanin path of a hair seen end-on over side-on (unsourced).
    fade_rate_per_year : float
        Pigment lost per year at average sun, exponential (calibrated, unsourced form).
    sun_share_of_fading : float
        Share of fading due to sun at average exposure (unsourced).
    """

    retained_fraction: float = DEFAULTS[OPTICAL_DEFAULT_NAMES["retained_fraction"]].value
    stock_optical_depth: float = DEFAULTS[OPTICAL_DEFAULT_NAMES["stock_optical_depth"]].value
    veil_fraction: float = DEFAULTS[OPTICAL_DEFAULT_NAMES["veil_fraction"]].value
    veil_wavelength_exponent: float = DEFAULTS["veil_wavelength_exponent"].value
    hair_section_path_ratio: float = DEFAULTS["hair_section_path_ratio"].value
    fade_rate_per_year: float = DEFAULTS["fade_rate_per_year"].value
    sun_share_of_fading: float = DEFAULTS["sun_share_of_fading"].value

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{f.name} must be a finite number >= 0, got {value}")
        for name in ("retained_fraction", "veil_fraction", "sun_share_of_fading"):
            if getattr(self, name) > 1:
                raise ValueError(f"{name} must be at most 1, got {getattr(self, name)}")

    @classmethod
    def from_defaults(cls, value: Callable[[str], float]) -> "OpticalModel":
        """The model with each parameter read by its default's name (e.g. a plan's edits).

        Parameters
        ----------
        value : callable
            Maps a name of ``smpstudio.domain.DEFAULTS`` to the value to use
            (``Plan.default_value``).
        """
        return cls(**{f: value(name) for f, name in OPTICAL_DEFAULT_NAMES.items()})

    def with_changes(self, **changes: float) -> "OpticalModel":
        """A copy with some parameters changed (names as the fields)."""
        return replace(self, **changes)

    def veil(self) -> FloatArray:
        """(3,) veil share per band, capped at 1."""
        ratio = VEIL_REFERENCE_NM / RGB_WAVELENGTHS_NM
        return np.asarray(
            np.minimum(1.0, self.veil_fraction * ratio**self.veil_wavelength_exponent)
        )

    def remaining_share(self, years: ArrayLike, sun_exposure: float = 1.0) -> FloatArray:
        """Share of the healed pigment left after ``years``.

        Parameters
        ----------
        years : array_like of float
            Time since healing, years (≥ 0).
        sun_exposure : float, optional
            0 never in the sun (hat, scalp covered), 1 average, 2 twice the average.

        Returns
        -------
        ndarray of float
            ``exp(−r·t)`` with ``r = rate · (1 − s + s·sun_exposure)``, ``s`` the sun share.
        """
        if sun_exposure < 0:
            raise ValueError(f"sun_exposure must be >= 0, got {sun_exposure}")
        rate = self.fade_rate_per_year * (
            1.0 - self.sun_share_of_fading + self.sun_share_of_fading * sun_exposure
        )
        return np.asarray(np.exp(-rate * np.asarray(years, dtype=np.float64)))


def pigment_coverage(
    dilution_water_parts: ArrayLike, pigment_share: ArrayLike, model: OpticalModel
) -> FloatArray:
    """Share of light the dot's pigment absorbs or returns as its own colour.

    Parameters
    ----------
    dilution_water_parts : array_like of float
        Water parts per part pigment (``18`` means 18:1), ≥ 0.
    pigment_share : array_like of float
        Share of the implanted pigment present (1 fresh).
    model : OpticalModel
        Parameters.

    Returns
    -------
    ndarray of float
        ``1 − exp(−τ_stock · m / (1 + w))``, 0–1.

    Examples
    --------
    >>> m = OpticalModel(stock_optical_depth=21.0)
    >>> float(pigment_coverage(20.0, 1.0, m).round(4))
    0.6321
    """
    w = np.asarray(dilution_water_parts, dtype=np.float64)
    if np.any(w < 0):
        raise ValueError("dilution_water_parts must be >= 0")
    tau = model.stock_optical_depth * np.asarray(pigment_share, dtype=np.float64) / (1.0 + w)
    return np.asarray(1.0 - np.exp(-tau))


def dot_lab(
    pigment_lab: ArrayLike,
    dilution_water_parts: ArrayLike,
    skin_lab: ArrayLike,
    model: OpticalModel,
    *,
    healed: bool = True,
    years: ArrayLike = 0.0,
    sun_exposure: float = 1.0,
) -> FloatArray:
    """Predicted colour of a dot of a pigment and dilution on a skin.

    Parameters
    ----------
    pigment_lab : (3,) array_like of float
        Stock pigment colour, CIELAB.
    dilution_water_parts : array_like of float
        Water parts per part pigment; broadcasts with ``years``.
    skin_lab : (3,) array_like of float
        The client's scalp skin colour, CIELAB.
    model : OpticalModel
        Parameters.
    healed : bool, optional
        False: the fresh dot on the day (all pigment, no veil).
    years : array_like of float, optional
        Years since healing (fading); only with ``healed``.
    sun_exposure : float, optional
        Sun exposure, 1 average (:meth:`OpticalModel.remaining_share`).

    Returns
    -------
    (..., 3) ndarray of float
        CIELAB of the dot, one row per dilution × year.

    Examples
    --------
    A dot with no pigment left is the skin:

    >>> m = OpticalModel(stock_optical_depth=0.0)
    >>> dot_lab([16, 0, 0], 10.0, [60.0, 12.0, 15.0], m).round(3).tolist()
    [60.0, 12.0, 15.0]
    """
    skin = lab_to_linear_rgb(skin_lab)
    pigment = lab_to_linear_rgb(pigment_lab)
    if healed:
        share = model.retained_fraction * model.remaining_share(years, sun_exposure)
        veil = model.veil()
    else:
        share = np.ones_like(np.asarray(years, dtype=np.float64))
        veil = np.zeros(3)
    coverage = pigment_coverage(dilution_water_parts, share, model)[..., None]
    dermal = (1.0 - coverage) * skin + coverage * pigment
    return linear_rgb_to_lab(veil * skin + (1.0 - veil) * dermal)


def hair_section_lab(hair_lab: ArrayLike, skin_lab: ArrayLike, model: OpticalModel) -> FloatArray:
    """Colour of a freshly shaved hair's section at the skin, from the measured hair colour.

    Parameters
    ----------
    hair_lab : (3,) array_like of float
        Hair colour measured on the photos (side view of the shafts), CIELAB.
    skin_lab : (3,) array_like of float
        Scalp skin colour, CIELAB.
    model : OpticalModel
        Parameters (``hair_section_path_ratio``, the veil).

    Returns
    -------
    (3,) ndarray of float
        CIELAB of the section: the hair's reflectance raised to the path ratio (Beer–Lambert
        along a longer path through the same melanin), seen through the same veil of skin
        as a healed dot — on a fresh shave the visible dot is mostly the shaft in the
        follicle just under the surface (an assumption, ``docs/pigment.md``).

    Examples
    --------
    With no veil and a path ratio of 1 the section is the hair:

    >>> m = OpticalModel(hair_section_path_ratio=1.0, veil_fraction=0.0)
    >>> hair_section_lab([40.0, 5.0, 8.0], [60.0, 12.0, 15.0], m).round(3).tolist()
    [40.0, 5.0, 8.0]
    """
    rgb = np.clip(lab_to_linear_rgb(hair_lab), 1e-6, 1.0)
    veil = model.veil()
    skin = lab_to_linear_rgb(skin_lab)
    return linear_rgb_to_lab(veil * skin + (1.0 - veil) * rgb**model.hair_section_path_ratio)


def dot_diameter_mm(
    healed_diameter_mm: ArrayLike,
    *,
    healed: bool = True,
    years: ArrayLike = 0.0,
    shrink: float = DEFAULTS["healed_dot_shrink"].value,
    spread_mm_per_year: float = DEFAULTS["dot_spread_mm_per_year"].value,
) -> FloatArray:
    """Dot diameter fresh, healed and over the years.

    Parameters
    ----------
    healed_diameter_mm : array_like of float
        The planned healed diameter, mm.
    healed : bool, optional
        False: the fresh dot (healed / ``shrink``, ``domain.md`` §5.2).
    years : array_like of float, optional
        Years since healing: the dot spreads by ``spread_mm_per_year`` (unsourced).
    shrink : float, optional
        Healed over fresh diameter.
    spread_mm_per_year : float, optional
        Spread per year, mm.

    Returns
    -------
    ndarray of float
        Diameter, mm.

    Examples
    --------
    >>> float(dot_diameter_mm(0.12, healed=False))
    0.24
    """
    d = np.asarray(healed_diameter_mm, dtype=np.float64)
    if not healed:
        return np.asarray(d / shrink)
    return np.asarray(d + spread_mm_per_year * np.asarray(years, dtype=np.float64))
