import datetime as dt
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from smpstudio.errors import CatalogueError
from smpstudio.pigment import (
    OpticalModel,
    choose_shade,
    delta_e_2000,
    dot_lab,
    fading_delta_e,
    hair_section_lab,
    lighter_shade,
    load_catalogue,
    touch_up_due_years,
)

SKIN = (65.77, 15.94, 14.42)  # the bundled example (d000616), as the photo analysis measures it
HAIR = (40.95, 5.24, 7.70)


def _bundled() -> dict:
    return json.loads(resources.files("smpstudio.pigment").joinpath("catalogue.json").read_text())


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "catalogue.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def test_bundled_catalogue_loads_with_lots() -> None:
    catalogue = load_catalogue()
    assert {p.pigment_id for p in catalogue.pigments} >= {"carbon-black", "iron-oxide-black"}
    assert catalogue.pigment("carbon-black").ci_numbers == ("77266",)
    # of two carbon-black lots the one good on the day and expiring last is used
    assert catalogue.usable_lot("carbon-black", dt.date(2026, 6, 1)).lot == "EXAMPLE-CB-2026-031"
    assert catalogue.usable_lot("warm-dark-brown", dt.date(2027, 12, 1)) is None
    with pytest.raises(KeyError, match="no pigment 'blue'"):
        catalogue.pigment("blue")


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (lambda d: d["pigments"][0].pop("maker"), "$.pigments[0]", "'maker' is a required"),
        (
            lambda d: d["pigments"][1].update(base_lab=[120, 0, 0]),
            "$.pigments[1].base_lab[0]",
            "120",
        ),
        (lambda d: d["lots"][0].update(pigment="nope"), "$.lots[0].pigment", "no pigment 'nope'"),
        (lambda d: d["lots"][1].update(expires="2026-02-30"), "$.lots[1].expires", "day"),
        (
            lambda d: d["pigments"].append(dict(d["pigments"][0])),
            "$.pigments[3].id",
            "listed twice",
        ),
    ],
)
def test_catalogue_errors_name_the_field(tmp_path: Path, edit, field: str, message: str) -> None:
    doc = _bundled()
    edit(doc)
    with pytest.raises(CatalogueError, match=message) as info:
        load_catalogue(_write(tmp_path, doc))
    assert info.value.field == field


def test_catalogue_file_errors(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="line 1 column 2"):
        load_catalogue(_write(tmp_path, "{oops"))
    with pytest.raises(CatalogueError, match="no such file"):
        load_catalogue(tmp_path / "missing.json")


def test_chosen_shade_is_the_best_of_every_pigment_and_dilution() -> None:
    catalogue, model = load_catalogue(), OpticalModel()
    shade = choose_shade(catalogue, SKIN, HAIR, model)
    target = hair_section_lab(HAIR, SKIN, model)
    assert shade.target_lab == pytest.approx(tuple(target), abs=0.01)
    assert shade.delta_e00 < 1.0
    for p in catalogue.pigments:
        others = delta_e_2000(dot_lab(p.base_lab, np.arange(31.0), SKIN, model), target)
        assert others.min() >= shade.delta_e00 - 0.01


def test_expired_pigments_are_not_chosen() -> None:
    catalogue, model = load_catalogue(), OpticalModel()
    assert choose_shade(catalogue, SKIN, HAIR, model).pigment_id == "warm-dark-brown"
    later = choose_shade(catalogue, SKIN, HAIR, model, on=dt.date(2027, 12, 15))
    assert later.pigment_id != "warm-dark-brown"  # its only lot expired 2027-11-30
    with pytest.raises(ValueError, match=r"no pigment .* has a lot that is good on 2030-01-01"):
        choose_shade(catalogue, SKIN, HAIR, model, on=dt.date(2030, 1, 1))


def test_black_hair_on_dark_skin_takes_little_water_and_fair_hair_much() -> None:
    catalogue, model = load_catalogue(), OpticalModel()
    dark = choose_shade(catalogue, (42.0, 10.0, 20.0), (18.0, 2.0, 2.0), model)
    fair = choose_shade(catalogue, (70.0, 10.0, 15.0), (55.0, 6.0, 15.0), model)
    assert dark.dilution_water_parts < fair.dilution_water_parts


def test_lighter_first_session() -> None:
    catalogue, model = load_catalogue(), OpticalModel()
    shade = choose_shade(catalogue, SKIN, HAIR, model)
    base = catalogue.pigment(shade.pigment_id).base_lab
    first = lighter_shade(shade, base, SKIN, model, lighter_by_l=5.0)
    assert first.healed_lab[0] >= shade.healed_lab[0] + 5.0
    assert first.dilution_water_parts > shade.dilution_water_parts
    one_less = dot_lab(base, first.dilution_water_parts - 1, SKIN, model)[0]
    assert one_less < shade.healed_lab[0] + 5.0  # the least water that is light enough


def test_touch_up_forecast_is_the_calibrated_four_years_and_sun_brings_it_forward() -> None:
    catalogue, model = load_catalogue(), OpticalModel()
    shade = choose_shade(catalogue, SKIN, HAIR, model)
    base = catalogue.pigment(shade.pigment_id).base_lab
    # the reference case fade_rate_per_year is calibrated on: domain.md §6.5 (4 years)
    assert touch_up_due_years(shade, base, SKIN, model) == pytest.approx(4.0, abs=0.1)
    due = [touch_up_due_years(shade, base, SKIN, model, sun_exposure=s) for s in (0.5, 1, 2)]
    assert due[0] > due[1] > due[2] >= 2.0  # consensus range 2–6 years
    years = np.linspace(0, 10, 101)
    fading = fading_delta_e(shade, base, SKIN, model, years)
    assert fading[0] == pytest.approx(0.0, abs=0.02) and np.all(np.diff(fading) >= 0)
    none = OpticalModel(fade_rate_per_year=0.0)
    assert touch_up_due_years(shade, base, SKIN, none) is None
