import numpy as np
import pytest

from smpstudio.pigment import delta_e_2000, lab_to_linear_rgb, lab_to_srgb8, linear_rgb_to_lab

# Sharma, Wu & Dalal (2005), Table 1: pairs 1, 7, 13, 17, 19, 25, 31, 34 with their ΔE00
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((90.8027, -2.0831, 1.441), (91.1528, -1.6435, 0.0447), 1.4441),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_PAIRS)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected) -> None:
    assert float(delta_e_2000(lab1, lab2)) == pytest.approx(expected, abs=1e-4)
    assert float(delta_e_2000(lab2, lab1)) == pytest.approx(expected, abs=1e-4)


def test_ciede2000_broadcasts_and_is_zero_on_equal_colours() -> None:
    labs = np.array([[40.0, 5.0, 8.0], [60.0, -3.0, 12.0]])
    assert delta_e_2000(labs, labs).tolist() == [0.0, 0.0]
    assert delta_e_2000(labs, labs[0]).shape == (2,)


def test_lab_and_linear_rgb_round_trip() -> None:
    rng = np.random.default_rng(0)
    rgb = rng.uniform(0.001, 1.0, size=(500, 3))
    assert np.allclose(lab_to_linear_rgb(linear_rgb_to_lab(rgb)), rgb, atol=1e-9)
    # 18 % grey is L* 49.5; D65 white is L* 100, a* = b* = 0
    assert linear_rgb_to_lab([0.18, 0.18, 0.18])[0] == pytest.approx(49.496, abs=1e-3)
    assert np.allclose(linear_rgb_to_lab([1.0, 1.0, 1.0]), [100.0, 0.0, 0.0], atol=1e-4)


def test_srgb8_encodes_with_the_srgb_curve() -> None:
    # linear 0.5 encodes to 0.7354 → 188
    lab = linear_rgb_to_lab([0.5, 0.5, 0.5])
    assert lab_to_srgb8(lab).tolist() == [188, 188, 188]
