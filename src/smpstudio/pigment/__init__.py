"""Pigment: the catalogue, a model of a dot's healed colour, shade choice and fading.

The model (``_optics.py``, derived in ``docs/pigment.md``) has no quantitative published
source (``domain.md`` §6.4, §11): its parameters are named, editable and marked unsourced.
"""

from smpstudio.pigment._catalogue import (
    BUNDLED_CATALOGUE,
    Pigment,
    PigmentCatalogue,
    PigmentLot,
    catalogue_schema,
    load_catalogue,
)
from smpstudio.pigment._colour import (
    D65_WHITE_XYZ,
    delta_e_2000,
    lab_to_linear_rgb,
    lab_to_srgb8,
    linear_rgb_to_lab,
)
from smpstudio.pigment._optics import (
    OPTICAL_DEFAULT_NAMES,
    RGB_WAVELENGTHS_NM,
    VEIL_REFERENCE_NM,
    OpticalModel,
    dot_diameter_mm,
    dot_lab,
    hair_section_lab,
    pigment_coverage,
)
from smpstudio.pigment._shade import (
    Shade,
    choose_shade,
    dilution_steps,
    fading_delta_e,
    lighter_shade,
    shade_of,
    touch_up_due_years,
)

__all__ = [
    "BUNDLED_CATALOGUE",
    "D65_WHITE_XYZ",
    "OPTICAL_DEFAULT_NAMES",
    "RGB_WAVELENGTHS_NM",
    "VEIL_REFERENCE_NM",
    "OpticalModel",
    "Pigment",
    "PigmentCatalogue",
    "PigmentLot",
    "Shade",
    "catalogue_schema",
    "choose_shade",
    "delta_e_2000",
    "dilution_steps",
    "dot_diameter_mm",
    "dot_lab",
    "fading_delta_e",
    "hair_section_lab",
    "lab_to_linear_rgb",
    "lab_to_srgb8",
    "lighter_shade",
    "linear_rgb_to_lab",
    "load_catalogue",
    "pigment_coverage",
    "shade_of",
    "touch_up_due_years",
]
