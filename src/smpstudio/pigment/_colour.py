"""CIELAB ↔ linear sRGB (D65) and the CIEDE2000 colour difference.

Light mixes linearly in reflectance, not in L*a*b*: the optical model mixes in linear
sRGB and reports in CIELAB. Formulas: IEC 61966-2-1 (sRGB), CIE 15:2004 (CIELAB, D65
white), Sharma, Wu & Dalal (2005) for ΔE00.
"""

import numpy as np
from numpy.typing import ArrayLike

from smpstudio._typing import FloatArray
from smpstudio.analysis import linear_to_srgb

D65_WHITE_XYZ = np.array([0.95047, 1.0, 1.08883])
"""Reference white (D65, 2° observer), Y = 1."""

_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_XYZ_TO_RGB = np.linalg.inv(_RGB_TO_XYZ)
_EPSILON = 216.0 / 24389.0
_KAPPA = 24389.0 / 27.0


def lab_to_linear_rgb(lab: ArrayLike) -> FloatArray:
    """Convert CIELAB (D65) to linear sRGB reflectance.

    Parameters
    ----------
    lab : (..., 3) array_like of float
        L* (0–100), a*, b*.

    Returns
    -------
    (..., 3) ndarray of float
        Linear R, G, B (0–1 inside the sRGB gamut; not clipped).

    Examples
    --------
    >>> lab_to_linear_rgb([100.0, 0.0, 0.0]).round(4).tolist()
    [1.0, 1.0, 1.0]
    """
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab[..., 1] / 500.0, fy, fy - lab[..., 2] / 200.0], axis=-1)
    cube = f**3
    t = np.where(cube > _EPSILON, cube, (116.0 * f - 16.0) / _KAPPA)
    xyz = t * D65_WHITE_XYZ
    return np.asarray(xyz @ _XYZ_TO_RGB.T)


def linear_rgb_to_lab(rgb: ArrayLike) -> FloatArray:
    """Convert linear sRGB reflectance to CIELAB (D65).

    Parameters
    ----------
    rgb : (..., 3) array_like of float
        Linear R, G, B, 0–1.

    Returns
    -------
    (..., 3) ndarray of float
        L*, a*, b*.

    Examples
    --------
    >>> linear_rgb_to_lab([0.18, 0.18, 0.18]).round(1)[0]
    np.float64(49.5)
    """
    xyz = np.asarray(rgb, dtype=np.float64) @ _RGB_TO_XYZ.T / D65_WHITE_XYZ
    f = np.where(xyz > _EPSILON, np.cbrt(xyz), (_KAPPA * xyz + 16.0) / 116.0)
    return np.stack(
        [
            116.0 * f[..., 1] - 16.0,
            500.0 * (f[..., 0] - f[..., 1]),
            200.0 * (f[..., 1] - f[..., 2]),
        ],
        axis=-1,
    )


def lab_to_srgb8(lab: ArrayLike) -> np.ndarray:
    """Convert CIELAB (D65) to 8-bit sRGB for drawing (out-of-gamut values clipped).

    Parameters
    ----------
    lab : (..., 3) array_like of float
        L*, a*, b*.

    Returns
    -------
    (..., 3) ndarray of uint8
        sRGB, gamma-encoded.

    Examples
    --------
    >>> lab_to_srgb8([53.24, 80.09, 67.20]).tolist()
    [255, 0, 0]
    """
    return np.asarray(np.round(linear_to_srgb(lab_to_linear_rgb(lab)) * 255.0), dtype=np.uint8)


def delta_e_2000(lab1: ArrayLike, lab2: ArrayLike) -> FloatArray:
    """CIEDE2000 colour difference, with kL = kC = kH = 1.

    Parameters
    ----------
    lab1, lab2 : (..., 3) array_like of float
        CIELAB colours (broadcast against each other).

    Returns
    -------
    (...) ndarray of float
        ΔE00. Below about 3 two colours are hard to tell apart (``domain.md`` §9 [MRI-Mouse]).

    References
    ----------
    G. Sharma, W. Wu, E. N. Dalal, "The CIEDE2000 color-difference formula: implementation
    notes, supplementary test data, and mathematical observations", Color Res. Appl. 30
    (2005) 21–30.

    Examples
    --------
    >>> float(delta_e_2000([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485]).round(4))
    2.0425
    """
    lab1 = np.asarray(lab1, dtype=np.float64)
    lab2 = np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = lab1[..., 0], lab1[..., 1], lab1[..., 2]
    l2, a2, b2 = lab2[..., 0], lab2[..., 1], lab2[..., 2]
    c_mean = 0.5 * (np.hypot(a1, b1) + np.hypot(a2, b2))
    g = 0.5 * (1.0 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1.0 + g) * a1, (1.0 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360.0
    dl = l2 - l1
    dc = c2p - c1p
    dh_angle = h2p - h1p
    dh_angle = np.where(dh_angle > 180.0, dh_angle - 360.0, dh_angle)
    dh_angle = np.where(dh_angle < -180.0, dh_angle + 360.0, dh_angle)
    both = c1p * c2p
    dh_angle = np.where(both == 0.0, 0.0, dh_angle)
    dh = 2.0 * np.sqrt(both) * np.sin(np.radians(dh_angle) / 2.0)
    l_mean = 0.5 * (l1 + l2)
    cp_mean = 0.5 * (c1p + c2p)
    h_sum = h1p + h2p
    h_mean = np.where(
        np.abs(h1p - h2p) <= 180.0,
        0.5 * h_sum,
        np.where(h_sum < 360.0, 0.5 * (h_sum + 360.0), 0.5 * (h_sum - 360.0)),
    )
    h_mean = np.where(both == 0.0, h_sum, h_mean)
    t = (
        1.0
        - 0.17 * np.cos(np.radians(h_mean - 30.0))
        + 0.24 * np.cos(np.radians(2.0 * h_mean))
        + 0.32 * np.cos(np.radians(3.0 * h_mean + 6.0))
        - 0.20 * np.cos(np.radians(4.0 * h_mean - 63.0))
    )
    d_theta = 30.0 * np.exp(-(((h_mean - 275.0) / 25.0) ** 2))
    r_c = 2.0 * np.sqrt(cp_mean**7 / (cp_mean**7 + 25.0**7))
    s_l = 1.0 + 0.015 * (l_mean - 50.0) ** 2 / np.sqrt(20.0 + (l_mean - 50.0) ** 2)
    s_c = 1.0 + 0.045 * cp_mean
    s_h = 1.0 + 0.015 * cp_mean * t
    r_t = -np.sin(np.radians(2.0 * d_theta)) * r_c
    return np.asarray(
        np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dh / s_h) ** 2 + r_t * (dc / s_c) * (dh / s_h))
    )
