"""The dot model against hand-computed cases, and its qualitative properties."""

import numpy as np
import pytest

from smpstudio.pigment import (
    OpticalModel,
    dot_diameter_mm,
    dot_lab,
    hair_section_lab,
    load_catalogue,
    pigment_coverage,
)

WHITE = (100.0, 0.0, 0.0)
BLACK = (0.0, 0.0, 0.0)
SKIN = (65.8, 15.9, 14.4)  # the bundled example's measured forehead


def _lightness(y: float) -> float:
    """CIE L* of a relative luminance, by hand."""
    return 116.0 * y ** (1 / 3) - 16.0


def test_half_covered_black_dot_on_white_is_mid_grey() -> None:
    # τ_stock · m / (1 + w) = ln 2  →  a = 1/2: reflectance (1 − a)·1 + a·0 = 0.5
    w, m = 9.0, 0.5
    model = OpticalModel(
        retained_fraction=m, stock_optical_depth=np.log(2) * (1 + w) / m, veil_fraction=0.0
    )
    assert float(pigment_coverage(w, m, model)) == pytest.approx(0.5, abs=1e-12)
    lab = dot_lab(BLACK, w, WHITE, model)
    assert lab[0] == pytest.approx(_lightness(0.5), abs=1e-6)  # 76.07
    assert abs(lab[1]) < 1e-4 and abs(lab[2]) < 1e-4


def test_flat_veil_mixes_skin_over_the_dot() -> None:
    # veil 0.3, flat in wavelength: 0.3·1 + 0.7·0.5 = 0.65
    w, m = 9.0, 0.5
    model = OpticalModel(
        retained_fraction=m,
        stock_optical_depth=np.log(2) * (1 + w) / m,
        veil_fraction=0.3,
        veil_wavelength_exponent=0.0,
    )
    assert dot_lab(BLACK, w, WHITE, model)[0] == pytest.approx(_lightness(0.65), abs=1e-6)
    # fresh: all pigment (m = 1 → a = 3/4), no veil: 0.25
    fresh = dot_lab(BLACK, w, WHITE, model, healed=False)
    assert fresh[0] == pytest.approx(_lightness(0.25), abs=1e-6)


def test_wavelength_dependent_veil_turns_black_on_grey_bluish() -> None:
    grey = (60.0, 0.0, 0.0)
    cool = dot_lab(BLACK, 10.0, grey, OpticalModel(veil_wavelength_exponent=1.0))
    flat = dot_lab(BLACK, 10.0, grey, OpticalModel(veil_wavelength_exponent=0.0))
    assert cool[2] < -1.0  # b* < 0: the blue-grey shift of domain.md §6.2
    assert abs(flat[2]) < 1e-6


def test_more_water_heals_lighter_and_healed_is_lighter_than_fresh() -> None:
    model = OpticalModel()
    black = load_catalogue().pigment("carbon-black").base_lab
    water = np.arange(0.0, 31.0)
    healed = dot_lab(black, water, SKIN, model)[:, 0]
    fresh = dot_lab(black, water, SKIN, model, healed=False)[:, 0]
    assert np.all(np.diff(healed) >= 0) and healed[-1] > healed[0] + 5
    assert np.all(healed > fresh)
    assert np.all(healed < SKIN[0])  # a dot is never lighter than the skin around it


def test_fading_is_monotone_and_ends_at_the_skin() -> None:
    model = OpticalModel()
    years = np.linspace(0, 60, 61)
    lab = dot_lab((16.0, 0.3, -0.8), 8.0, SKIN, model, years=years)
    assert np.all(np.diff(lab[:, 0]) > 0)
    assert abs(lab[-1, 0] - SKIN[0]) < 1.0  # after 60 years almost nothing is left
    more_sun = dot_lab((16.0, 0.3, -0.8), 8.0, SKIN, model, years=5.0, sun_exposure=2.0)
    less_sun = dot_lab((16.0, 0.3, -0.8), 8.0, SKIN, model, years=5.0, sun_exposure=0.5)
    assert more_sun[0] > less_sun[0]
    never = OpticalModel(fade_rate_per_year=0.0)
    unchanged = dot_lab((16, 0, 0), 8.0, SKIN, never, years=[0, 10])
    assert np.allclose(unchanged, dot_lab((16, 0, 0), 8.0, SKIN, never))


def test_hair_section_is_darker_than_the_side_view_and_seen_through_the_veil() -> None:
    hair = (40.9, 5.2, 7.7)
    no_veil = OpticalModel(veil_fraction=0.0, hair_section_path_ratio=2.0)
    # reflectance squared, by hand for the luminance: L* of Y²
    y = ((40.9 + 16) / 116) ** 3
    assert hair_section_lab(hair, SKIN, no_veil)[0] == pytest.approx(_lightness(y * y), abs=0.5)
    assert (
        hair_section_lab(hair, SKIN, OpticalModel())[0] > hair_section_lab(hair, SKIN, no_veil)[0]
    )


def test_dot_diameter_fresh_healed_and_years() -> None:
    assert float(dot_diameter_mm(0.12, healed=False)) == pytest.approx(0.24)
    assert dot_diameter_mm(0.12, years=[0, 10], spread_mm_per_year=0.003).tolist() == pytest.approx(
        [0.12, 0.15]
    )


def test_parameters_are_validated() -> None:
    with pytest.raises(ValueError, match="veil_fraction must be at most 1"):
        OpticalModel(veil_fraction=1.5)
    with pytest.raises(ValueError, match="stock_optical_depth must be a finite number >= 0"):
        OpticalModel(stock_optical_depth=-1.0)
    with pytest.raises(ValueError, match="dilution_water_parts must be >= 0"):
        pigment_coverage(-1.0, 1.0, OpticalModel())
