"""Hairline curves in the scalp chart: a spline through control points, and irregularity.

A practitioner edits the hairline by its control points in the scalp chart (u, v in mm,
:func:`smpstudio.head.scalp_chart`). The curve through them is a centripetal Catmull–Rom
spline (Yuksel, Schaefer & Keyser 2011): it passes through every control point, never
cusps or loops within a segment, and each segment depends on four neighbouring points only,
so moving one point changes the curve between its second neighbours and nowhere else.

A drawn hairline is never a clean curve. Two kinds of irregularity are added along the
curve's normal: *macro* (gentle waves, wavelengths of centimetres) and *micro* (a ragged
edge, wavelengths of millimetres). Each is band-limited noise — a sum of sinusoids with
random phases and wavelengths within a factor of √2 of the nominal one — indexed by the
angle about the chart's origin (the vertex), converted to millimetres at a fixed radius, so
that editing one control point does not shift the irregularity elsewhere; it fades out at
the control points, which the drawn line therefore passes through.
"""

from dataclasses import dataclass

import numpy as np

from smpstudio._typing import FloatArray
from smpstudio.domain import DEFAULTS

NOISE_RADIUS_MM = 80.0
"""Chart radius at which the angle about the vertex is turned into millimetres along the
hairline: about the front hairline's geodesic distance from the vertex (75–80 mm on the
ICT and Lee Perry-Smith heads), so wavelengths are true there and up to 1.6× longer at the
temples, which lie further out. Fixed, so that moving one control point does not shift the
irregularity elsewhere."""
ANCHOR_MM = 4.0
"""The irregularity fades to nothing within about this distance of each control point, so
that the line passes through the points the practitioner placed (and the mid-frontal point
keeps its measured height)."""
_ALPHA = 0.5
"""Centripetal parameterisation (Yuksel et al. 2011): knot spacing |ΔP|^0.5."""
_WAVES = 24
"""Sinusoids per irregularity band."""
_BAND = np.sqrt(2.0)
"""Wavelengths of a band lie within this factor of its nominal wavelength."""


@dataclass(frozen=True, slots=True)
class HairlineStyle:
    """How soft and how irregular a hairline is drawn.

    Parameters
    ----------
    name : str
        ``"soft"``, ``"natural"`` or ``"defined"``.
    transition_mm : float
        Depth of the soft transition band behind the line, millimetres.
    macro_rms_mm, micro_rms_mm : float
        RMS offset of the gentle waves and of the ragged edge along the curve's normal,
        millimetres.
    macro_wavelength_mm, micro_wavelength_mm : float
        Their nominal wavelengths along the hairline, millimetres.
    """

    name: str
    transition_mm: float
    macro_rms_mm: float
    macro_wavelength_mm: float
    micro_rms_mm: float
    micro_wavelength_mm: float


def _style(name: str, transition: str) -> HairlineStyle:
    return HairlineStyle(
        name,
        DEFAULTS[transition].value,
        DEFAULTS[f"hairline_{name}_macro_rms_mm"].value,
        DEFAULTS["hairline_macro_wavelength_mm"].value,
        DEFAULTS[f"hairline_{name}_micro_rms_mm"].value,
        DEFAULTS["hairline_micro_wavelength_mm"].value,
    )


HAIRLINE_STYLES: dict[str, HairlineStyle] = {
    "soft": _style("soft", "hairline_soft_transition_mm"),
    "natural": _style("natural", "hairline_band_width_mm"),
    "defined": _style("defined", "hairline_defined_transition_mm"),
}
"""The style presets, from the named defaults in :data:`smpstudio.domain.DEFAULTS`."""


def catmull_rom_uv(control_uv: FloatArray, spacing_mm: float) -> tuple[FloatArray, FloatArray]:
    """A centripetal Catmull–Rom spline through control points, sampled densely.

    Parameters
    ----------
    control_uv : (k, 2) ndarray of float
        Control points in order, millimetres (k ≥ 2). The ends are extended by mirrored
        phantom points, so the curve starts and ends at the first and last point.
    spacing_mm : float
        Sample spacing, millimetres: each segment's chord is cut into steps of at most this,
        evenly in the spline's parameter (so the steps along the curve come out close to it).

    Returns
    -------
    uv_mm : (n, 2) ndarray of float
        The curve, from the first control point to the last, millimetres.
    segment : (n,) ndarray of float
        Where each sample lies: segment index plus the fraction along it (control point i
        is at ``segment == i``).

    Examples
    --------
    >>> p = np.array([[0.0, 0.0], [10.0, 0.0], [20.0, 5.0]])
    >>> uv, where = catmull_rom_uv(p, 1.0)
    >>> bool(np.allclose(uv[where == 1.0], [[10.0, 0.0]]))
    True
    """
    points = np.asarray(control_uv, dtype=np.float64)
    if len(points) < 2:
        raise ValueError(f"a hairline needs at least 2 control points, got {len(points)}")
    padded = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    gaps = np.linalg.norm(np.diff(padded, axis=0), axis=1)
    knots = np.concatenate([[0.0], np.cumsum(np.maximum(gaps, 1e-9) ** _ALPHA)])
    curves, where = [], []
    for j in range(len(points) - 1):
        steps = max(1, int(np.ceil(gaps[j + 1] / spacing_mm)))
        fraction = np.arange(steps) / steps
        if j == len(points) - 2:
            fraction = np.append(fraction, 1.0)
        t0, t1, t2, t3 = knots[j : j + 4]
        p0, p1, p2, p3 = padded[j : j + 4]
        t = (t1 + fraction * (t2 - t1))[:, None]
        a1 = ((t1 - t) * p0 + (t - t0) * p1) / (t1 - t0)
        a2 = ((t2 - t) * p1 + (t - t1) * p2) / (t2 - t1)
        a3 = ((t3 - t) * p2 + (t - t2) * p3) / (t3 - t2)
        b1 = ((t2 - t) * a1 + (t - t0) * a2) / (t2 - t0)
        b2 = ((t3 - t) * a2 + (t - t1) * a3) / (t3 - t1)
        curves.append(((t2 - t) * b1 + (t - t1) * b2) / (t2 - t1))
        where.append(j + fraction)
    return np.vstack(curves), np.concatenate(where)


def band_noise(
    position_mm: FloatArray, rms_mm: float, wavelength_mm: float, rng: np.random.Generator
) -> FloatArray:
    """Smooth random offsets: a sum of sinusoids around one wavelength, of a given RMS.

    Parameters
    ----------
    position_mm : (n,) ndarray of float
        Where along the line, millimetres.
    rms_mm : float
        Root-mean-square of the offsets over a long line, millimetres.
    wavelength_mm : float
        Nominal wavelength; the sinusoids' wavelengths are log-uniform within a factor of
        √2 of it, millimetres.
    rng : numpy.random.Generator
        Draws the wavelengths and phases.

    Returns
    -------
    (n,) ndarray of float
        Offsets, millimetres.
    """
    wavelengths = wavelength_mm * _BAND ** rng.uniform(-1.0, 1.0, _WAVES)
    phases = rng.uniform(0.0, 2 * np.pi, _WAVES)
    waves = np.sin(2 * np.pi * np.asarray(position_mm)[:, None] / wavelengths + phases)
    return np.asarray(waves.sum(axis=1) * rms_mm * np.sqrt(2.0 / _WAVES))


def hairline_uv(
    control_uv: FloatArray, style: HairlineStyle, *, spacing_mm: float = 0.5, seed: int = 0
) -> tuple[FloatArray, FloatArray]:
    """The drawn hairline in the scalp chart: the spline with the style's irregularity.

    Parameters
    ----------
    control_uv : (k, 2) ndarray of float
        Control points in the scalp chart, client's right temple to left temple, mm.
    style : HairlineStyle
        Irregularity of the line.
    spacing_mm : float, optional
        Sample spacing along the curve, millimetres (finer than the micro wavelength).
    seed : int, optional
        Seed of the irregularity (the same design always draws the same line).

    Returns
    -------
    drawn_uv : (n, 2) ndarray of float
        The irregular hairline, millimetres; it passes through the control points.
    smooth_uv : (n, 2) ndarray of float
        The spline through the control points at the same samples, millimetres.
    """
    smooth, segment = catmull_rom_uv(control_uv, spacing_mm)
    tangent = np.gradient(smooth, axis=0)
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-12)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    position = np.unwrap(np.arctan2(smooth[:, 0], smooth[:, 1])) * NOISE_RADIUS_MM
    rng = np.random.default_rng(seed)
    offset = band_noise(position, style.macro_rms_mm, style.macro_wavelength_mm, rng)
    offset += band_noise(position, style.micro_rms_mm, style.micro_wavelength_mm, rng)
    anchors = position[segment == np.round(segment)]
    offset *= np.prod(1 - np.exp(-0.5 * ((position[:, None] - anchors) / ANCHOR_MM) ** 2), axis=1)
    return smooth + offset[:, None] * normal, smooth
