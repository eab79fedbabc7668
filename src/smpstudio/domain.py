"""Domain constants and tolerances, each named and cited.

Every number that describes anatomy, technique or a device default lives here. A value
with a source cites ``shared/docs/domain.md`` by section and reference key. A value for
which no source exists is marked ``unsourced``: it is a named default the practitioner can
edit, and every plan lists the unsourced defaults it used so that the user sees them.
"""

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ANSUR_FEMALE",
    "ANSUR_MALE",
    "DEFAULTS",
    "SURFACE_TOLERANCE_MM",
    "AnsurHead",
    "Default",
    "Sex",
]

Sex = Literal["male", "female"]


@dataclass(frozen=True, slots=True)
class Default:
    """A named, editable default value with its unit and source.

    Parameters
    ----------
    name : str
        Identifier, as used in plans and on screen.
    value : float
        The default value, in ``unit``.
    unit : str
        Unit of ``value`` (``"mm"``, ``"1/cm^2"``, ``"days"`` ...).
    source : str or None
        ``domain.md`` section and reference key, or None where no source exists
        (then the value is *unsourced* and shown as such).
    note : str
        What the value means, in one line.
    """

    name: str
    value: float
    unit: str
    source: str | None
    note: str

    @property
    def is_unsourced(self) -> bool:
        """True where no published source backs the value."""
        return self.source is None


@dataclass(frozen=True, slots=True)
class AnsurHead:
    """Head measurements of one sex from ANSUR II (2012): means and some SDs, millimetres.

    Computed from the public release in ``shared/data/anthropometry/ansur2/``
    (``tests/core/test_domain.py`` recomputes them). US Army, public domain.
    """

    head_breadth_mm: float
    head_length_mm: float
    head_circumference_mm: float
    tragion_to_top_of_head_mm: float
    interpupillary_breadth_mm: float
    interpupillary_breadth_sd_mm: float
    head_breadth_sd_mm: float
    head_length_sd_mm: float
    tragion_to_top_of_head_sd_mm: float


ANSUR_MALE = AnsurHead(154.33, 199.50, 574.37, 131.15, 64.016, 3.419, 5.53, 7.02, 6.16)
"""ANSUR II male means, 4,082 subjects (``interpupillarybreadth`` is stored in 0.1 mm)."""
ANSUR_FEMALE = AnsurHead(147.77, 189.82, 561.12, 126.48, 61.708, 3.622, 5.19, 7.45, 6.55)
"""ANSUR II female means, 1,986 subjects."""

SURFACE_TOLERANCE_MM = 0.01
"""How far an impression may lie from the head surface and still count as on it."""


def _d(name: str, value: float, unit: str, source: str | None, note: str) -> Default:
    return Default(name, value, unit, source, note)


DEFAULTS: dict[str, Default] = {
    d.name: d
    for d in (
        # --- photo and camera -------------------------------------------------------------
        _d(
            "portrait_focal_length_mm",
            85.0,
            "mm (35 mm equivalent)",
            "domain.md §9 [MyHairline] (85–105 mm portrait lens, grade C)",
            "assumed lens when a photo carries no focal length in EXIF",
        ),
        _d(
            "interpupillary_measured_sd_mm",
            0.5,
            "mm",
            None,
            "uncertainty of an interpupillary distance the practitioner measured (ruler or "
            "pupillometer); it weighs the scale of the fitted head",
        ),
        _d(
            "head_circumference_tape_sd_mm",
            4.0,
            "mm",
            None,
            "uncertainty of a head circumference the practitioner measured with a tape above "
            "the brows; it weighs the scale of the fitted head",
        ),
        # --- placing the face on the head frame -------------------------------------------
        _d(
            "eye_height_above_frankfort_mm",
            16.0,
            "mm",
            None,
            "height of the pupils above the Frankfort horizontal, which runs through the "
            "orbitale (low rim of the ≈35 mm tall orbit)",
        ),
        _d(
            "eye_forward_of_tragion_mm",
            78.0,
            "mm",
            None,
            "distance of the pupils in front of the tragia, along z",
        ),
        _d(
            "glabella_height_above_frankfort_mm",
            28.0,
            "mm",
            None,
            "height of mid-glabella (between the brows, ≈12 mm above the pupils) above the "
            "Frankfort horizontal",
        ),
        _d(
            "head_centre_forward_of_tragion_mm",
            -8.0,
            "mm",
            None,
            "z of the skull centre: the ellipsoid head's centre, and where scalp remeshing "
            "and scalp marking look from (negative: behind the tragia)",
        ),
        _d(
            "head_centre_height_above_tragion_mm",
            30.0,
            "mm",
            None,
            "y of the skull centre (the ellipsoid head's centre; scalp remeshing and marking "
            "look from it) above the Frankfort horizontal",
        ),
        # --- scalp and hairline (domain.md §4) -------------------------------------------
        _d(
            "hairline_mfp_above_glabella_mm",
            80.0,
            "mm",
            "domain.md §4 [Garg2017] rule of 8",
            "mid-frontal point height above mid-glabella",
        ),
        _d(
            "hairline_mfp_min_above_glabella_mm",
            70.0,
            "mm",
            "domain.md §4 [Shapiro2013] (7 cm: aggressive)",
            "lowest mid-frontal point height above mid-glabella before a design warns",
        ),
        _d(
            "hairline_mfp_max_above_glabella_mm",
            100.0,
            "mm",
            "domain.md §4 [Shapiro2013] (10 cm: conservative)",
            "highest mid-frontal point height above mid-glabella before a design warns",
        ),
        _d(
            "hairline_off_scalp_tolerance_mm",
            1.0,
            "mm",
            None,
            "how far a hairline control point may lie from the scalp region before a warning",
        ),
        _d(
            "hairline_frontotemporal_above_canthus_mm",
            80.0,
            "mm",
            "domain.md §4 [Garg2017] rule of 8",
            "frontotemporal points above the lateral canthi, on the lateral epicanthal lines",
        ),
        _d(
            "temporal_peak_construction_mm",
            80.0,
            "mm",
            "domain.md §4 [Garg2017] rule of 8",
            "the rule of 8's frontotemporal point, 80 mm from both the mid-frontal point and "
            "the lateral canthus; it serves only to construct the temporal peak",
        ),
        _d(
            "temporal_peak_from_frontotemporal_mm",
            50.0,
            "mm",
            "domain.md §4 [Garg2017] (431 cases)",
            "temporal peak: this far from the rule of 8's frontotemporal point towards the "
            "lateral canthus",
        ),
        _d(
            "lateral_canthus_half_width_mm",
            45.0,
            "mm",
            None,
            "half the distance between the lateral canthi (epicanthal lines)",
        ),
        _d(
            "hairline_band_width_mm",
            10.0,
            "mm",
            "domain.md §4 [AestheticMed-Agrawal], [Kamol] (single units in ≈ first 1 cm)",
            "depth of the soft transition band behind the hairline (the natural style)",
        ),
        _d(
            "hairline_soft_transition_mm",
            15.0,
            "mm",
            None,
            "transition band of the soft style (within the 2–3 cm hairline region, domain.md §4)",
        ),
        _d(
            "hairline_defined_transition_mm",
            5.0,
            "mm",
            None,
            "transition band of the defined style",
        ),
        _d(
            "hairline_juvenile_forward_mm",
            15.0,
            "mm",
            "domain.md §4 [Rassman2013-Phenotype], [HT4U-Norwood] (mature line ≈1.5 cm behind "
            "the juvenile one)",
            "how much lower on the forehead a juvenile hairline sits than a mature one",
        ),
        _d(
            "hairline_mature_by_age_years",
            30.0,
            "years",
            "domain.md §4 [Rassman2013-Phenotype] (the male hairline matures, turning convex, "
            "at 18–29 years)",
            "from this age a hairline drawn at juvenile height warns",
        ),
        _d(
            "hairline_macro_wavelength_mm",
            25.0,
            "mm",
            None,
            "wavelength of a hairline's gentle waves (macro-irregularity)",
        ),
        _d(
            "hairline_micro_wavelength_mm",
            4.0,
            "mm",
            None,
            "wavelength of a hairline's ragged edge (micro-irregularity)",
        ),
        _d("hairline_soft_macro_rms_mm", 1.5, "mm", None, "gentle waves of the soft style, RMS"),
        _d("hairline_natural_macro_rms_mm", 1.0, "mm", None, "gentle waves, natural style, RMS"),
        _d("hairline_defined_macro_rms_mm", 0.5, "mm", None, "gentle waves, defined style, RMS"),
        _d("hairline_soft_micro_rms_mm", 0.6, "mm", None, "ragged edge of the soft style, RMS"),
        _d("hairline_natural_micro_rms_mm", 0.35, "mm", None, "ragged edge, natural style, RMS"),
        _d("hairline_defined_micro_rms_mm", 0.15, "mm", None, "ragged edge, defined style, RMS"),
        _d(
            "scalp_lower_limit_above_frankfort_mm",
            25.0,
            "mm",
            None,
            "lowest treated height at the sides and back of the head",
        ),
        _d(
            "scalp_front_lower_limit_above_frankfort_mm",
            50.0,
            "mm",
            None,
            "lowest height of a scan's scalp region on the forehead, above the brows and well "
            "below any hairline (the hairline itself is the design's)",
        ),
        _d(
            "scalp_forehead_azimuth_deg",
            25.0,
            "degrees",
            None,
            "azimuth about the head's vertical axis (0 in front) up to which the scalp region "
            "starts at the forehead's height, inside the eyebrows' outer ends",
        ),
        _d(
            "scalp_temple_azimuth_deg",
            45.0,
            "degrees",
            None,
            "azimuth from which the scalp region starts at the sides' height: the temples, "
            "where the temporal peaks of hair reach down to about 2–3 cm above the lateral "
            "canthi",
        ),
        # --- pattern (domain.md §2.3, §5.2) ----------------------------------------------
        _d(
            "impression_density_per_cm2",
            100.0,
            "1/cm^2",
            "domain.md §2.3 [Bernstein1997] (≈1 FU/mm²) and §5.2 (dots ≈1 mm apart)",
            "target impression density behind the hairline band",
        ),
        _d(
            "min_design_density_per_cm2",
            20.0,
            "1/cm^2",
            None,
            "lowest zone density a design accepts (below it dots read as specks, not hair)",
        ),
        _d(
            "max_design_density_per_cm2",
            200.0,
            "1/cm^2",
            None,
            "highest zone density a design accepts (twice the ≈100 FU/cm² of a full scalp, "
            "domain.md §2.3; denser dots merge into a smudge as they spread)",
        ),
        _d(
            "hair_bare_below_fraction",
            0.3,
            "fraction",
            None,
            "a scalp region with less hair coverage than this reads as bare (hair-loss stage)",
        ),
        _d(
            "hair_full_from_fraction",
            0.7,
            "fraction",
            None,
            "a scalp region with at least this hair coverage reads as full (hair-loss stage)",
        ),
        _d(
            "hair_coverage_reading_sd",
            0.1,
            "fraction",
            None,
            "standard deviation assumed for a region's measured hair coverage when its "
            "reading (bare, thin, full) is weighed for the hair-loss stage's confidence",
        ),
        _d(
            "stage_preset_min_confidence",
            0.6,
            "probability",
            None,
            "least confidence in the most likely hair-loss stage for it to choose the "
            "design preset",
        ),
        _d(
            "frontal_zone_depth_mm",
            50.0,
            "mm",
            None,
            "how far behind the hairline the frontal zone reaches (straight-line distance)",
        ),
        _d(
            "crown_whorl_behind_vertex_mm",
            35.0,
            "mm",
            None,
            "default whorl position: this far behind the head's highest scalp point, on the "
            "midline, in the scalp chart",
        ),
        _d(
            "crown_zone_radius_mm",
            40.0,
            "mm",
            None,
            "radius of the crown zone about the whorl (straight-line distance)",
        ),
        _d(
            "temple_density_fraction",
            0.8,
            "fraction",
            None,
            "density of the temple zones relative to the main density (lower because temporal "
            "hair is the scalp's sparsest, domain.md §2.4 [EJD2016], [Rutnin2022])",
        ),
        _d(
            "hairline_band_density_fraction",
            0.5,
            "fraction",
            None,
            "density of the hairline band relative to the main zone",
        ),
        _d(
            "impressions_per_follicular_unit",
            1.93,
            "impressions/FU",
            "domain.md §2.3 [Guo2017] (mean of the unit sizes below: 1.9 hairs per unit)",
            "impressions placed for each follicular unit a zone imitates, on average",
        ),
        _d(
            "fu_share_1_impression",
            0.2838,
            "fraction",
            "domain.md §2.3 [Guo2017]",
            "share of follicular units with 1 impression (1-hair units)",
        ),
        _d(
            "fu_share_2_impressions",
            0.5262,
            "fraction",
            "domain.md §2.3 [Guo2017]",
            "share of follicular units with 2 impressions (2-hair units)",
        ),
        _d(
            "fu_share_3_impressions",
            0.1748,
            "fraction",
            "domain.md §2.3 [Guo2017]",
            "share of follicular units with 3 impressions (3-hair units)",
        ),
        _d(
            "fu_share_4_impressions",
            0.0151,
            "fraction",
            "domain.md §2.3 [Guo2017] (4-hair 1.30 % plus the 0.21 % of 5-hair units)",
            "share of follicular units with 4 impressions (4- and 5-hair units)",
        ),
        _d(
            "fu_impression_offset_mm",
            0.35,
            "mm",
            None,
            "distance between neighbouring impressions of one follicular unit (at least a "
            "fresh dot's diameter, the needle's, and the safety check's smallest spacing)",
        ),
        _d(
            "dot_diameter_variation",
            0.2,
            "fraction",
            None,
            "impression diameters vary uniformly by up to this share about the zone's, "
            "within the healed range below",
        ),
        _d(
            "dot_diameter_min_mm",
            0.10,
            "mm",
            "domain.md §5.2 [Gerow-DotSize] (healed 0.10–0.15 mm)",
            "smallest planned healed dot diameter",
        ),
        _d(
            "dot_diameter_max_mm",
            0.15,
            "mm",
            "domain.md §5.2 [Gerow-DotSize] (healed 0.10–0.15 mm)",
            "largest planned healed dot diameter",
        ),
        _d(
            "hairline_ramp_start_fraction",
            0.4,
            "fraction",
            None,
            "follicular-unit density at the hairline relative to the band's mean; it rises "
            "linearly across the band, averaging the band's density",
        ),
        _d(
            "hairline_stray_reach_mm",
            3.0,
            "mm",
            None,
            "how far ahead of the hairline stray single impressions may lie",
        ),
        _d(
            "hairline_stray_density_fraction",
            0.1,
            "fraction",
            None,
            "density of the stray single impressions ahead of the hairline relative to the "
            "band's mean",
        ),
        _d(
            "exclusion_margin_mm",
            2.0,
            "mm",
            None,
            "no impression within this distance of an exclusion's outline (a mole, a lesion)",
        ),
        _d(
            "dot_diameter_mm",
            0.12,
            "mm",
            "domain.md §5.2 [Gerow-DotSize] (healed 0.10–0.15 mm)",
            "planned healed dot diameter in the main zone",
        ),
        _d(
            "hairline_dot_diameter_mm",
            0.10,
            "mm",
            "domain.md §5.2 [Gerow-DotSize]; §4 single-needle softening [RobJames-Needle]",
            "planned healed dot diameter in the hairline band",
        ),
        # --- sessions (domain.md §5.3, §5.4) ---------------------------------------------
        _d("session_count", 3, "sessions", "domain.md §5.3 [Liu2025]", "number of sessions"),
        _d(
            "first_session_share",
            0.30,
            "fraction",
            "domain.md §5.3 [Liu2025]",
            "cumulative share of impressions after session 1",
        ),
        _d(
            "second_session_share",
            0.70,
            "fraction",
            "domain.md §5.3 [Liu2025]",
            "cumulative share of impressions after session 2",
        ),
        _d(
            "first_session_dilution_water_parts",
            20.0,
            "water:pigment",
            "domain.md §5.4 [TABA-Course] (example ratio; no published mapping, §6.4)",
            "dilution of session 1, the lightest (§5.4: start light)",
        ),
        _d(
            "later_session_dilution_water_parts",
            18.0,
            "water:pigment",
            "domain.md §5.4 [TABA-Course] (example ratio; no published mapping, §6.4)",
            "dilution of the later sessions",
        ),
        _d(
            "session_interval_min_days",
            10,
            "days",
            "domain.md §5.3 [Bip-Jara]",
            "shortest interval between sessions",
        ),
        _d(
            "session_interval_max_days",
            14,
            "days",
            "domain.md §5.3 [Bip-Jara]",
            "longest interval between sessions",
        ),
        _d(
            "impressions_per_hour_low",
            3500.0,
            "1/h",
            "domain.md §5.3 [Gerow-HairsPerSession]",
            "slow end of manual impression rate",
        ),
        _d(
            "impressions_per_hour_high",
            7000.0,
            "1/h",
            "domain.md §5.3 [Gerow-HairsPerSession]",
            "fast end of manual impression rate",
        ),
        _d(
            "needle_diameter_mm",
            0.20,
            "mm",
            "domain.md §5.1 [RobJames-Needle] (1RL 0603)",
            "needle diameter (single round liner)",
        ),
        _d(
            "needle_depth_setting_mm",
            0.8,
            "mm",
            "domain.md §2.2 trainer settings 0.5–1.5 mm [DoctorStudio-Migration]",
            "needle travel set on the device (not the final pigment depth)",
        ),
        _d(
            "needle_depth_limit_mm",
            1.5,
            "mm",
            "domain.md §2.2 (upper end of trainer settings; deeper risks blow-out, §5.8)",
            "largest depth setting the safety check accepts",
        ),
        _d(
            "session_min_spacing_mm",
            0.8,
            "mm",
            None,
            "smallest spacing between impressions of different follicular units in one session "
            "(over-saturating one spot in one session risks blow-out, §5.8); a unit closer to "
            "an earlier unit of its session waits for the next session",
        ),
        _d(
            "session_setup_hours",
            0.25,
            "h",
            None,
            "set-up and clean-up time added to every session's duration",
        ),
        _d(
            "first_session_design_hours",
            1.0,
            "h",
            "domain.md §5.3 (first session longest, [SMPHairCreations]); amount unsourced",
            "drawing and agreeing the hairline, added to session 1",
        ),
        # --- pigment optics (domain.md §6; no quantitative source: §6.4, §11) -------------
        _d(
            "pigment_retained_fraction",
            0.67,
            "fraction",
            "domain.md §6.1 [Baumler2015] (about one-third leaves the skin within weeks)",
            "share of the implanted pigment still in the dermis once healed",
        ),
        _d(
            "pigment_stock_optical_depth",
            40.0,
            "1",
            None,
            "optical depth of a dot's pigment at stock strength; a dilution of w:1 divides "
            "it by 1 + w (sets how dark a dilution heals)",
        ),
        _d(
            "epidermal_veil_fraction",
            0.30,
            "fraction",
            None,
            "share of light the healed skin above the pigment returns before reaching it, at "
            "550 nm (why healed dots read lighter than fresh ones, §5.4, §6.4)",
        ),
        _d(
            "veil_wavelength_exponent",
            1.0,
            "1",
            None,
            "the veil grows as (550 nm / wavelength)^this: short wavelengths scatter more "
            "above the pigment, the blue-grey shift of §6.2 (no quantitative source, §11)",
        ),
        _d(
            "hair_section_path_ratio",
            1.3,
            "1",
            None,
            "a shaved hair seen end-on: light crosses this many times the melanin it crosses "
            "seen side-on, so the section's reflectance is the hair's raised to this power",
        ),
        _d(
            "healed_dot_shrink",
            0.5,
            "fraction",
            "domain.md §5.2 [ProHair-Needles] (dots shrink about 50 % as they heal)",
            "healed dot diameter over fresh dot diameter",
        ),
        _d(
            "first_session_lightening_l",
            5.0,
            "L*",
            "domain.md §5.4 (session 1 lightest, [SMPAus-Sessions]); amount unsourced",
            "session 1 is diluted so that it heals this much lighter (L*) than the chosen shade",
        ),
        _d(
            "max_dilution_water_parts",
            30.0,
            "water:pigment",
            "domain.md §5.4 [Reddit-SMPchat] (20–30× water)",
            "most water per part of pigment the shade search considers",
        ),
        # --- fading (domain.md §6.5; sources cover months, not years) ----------------------
        _d(
            "fade_rate_per_year",
            0.132,
            "1/year",
            None,
            "share of the remaining pigment lost per year at average sun, exponential; "
            "calibrated so the reference shade is due a touch-up after the 4-year consensus "
            "interval (§6.5) — the long-term model itself is unsourced",
        ),
        _d(
            "sun_share_of_fading",
            0.5,
            "fraction",
            None,
            "share of the fading that sun causes at average exposure (§6.5 lists UV among "
            "accelerants, with no rate)",
        ),
        _d(
            "dot_spread_mm_per_year",
            0.003,
            "mm/year",
            None,
            "growth of a healed dot's diameter per year as pigment spreads",
        ),
        _d(
            "touch_up_delta_e00",
            3.0,
            "ΔE00",
            "domain.md §9 [MRI-Mouse] (ΔE00 < 3 treated as indistinguishable)",
            "a touch-up is due once a dot differs this much from its healed colour",
        ),
        _d(
            "touch_up_interval_years",
            4.0,
            "years",
            "domain.md §6.5 (consensus range 2–6 y)",
            "typical interval between touch-ups; the fading rate is calibrated to it",
        ),
        # --- aftercare (domain.md §7, clinic sheets, grade C) ------------------------------
        _d(
            "aftercare_dry_days",
            4,
            "days",
            "domain.md §7 [SMPTrinity], [Browstoat] (dry 3–5 days)",
            "days 0 to this − 1: keep the scalp dry, no washing, no sweating",
        ),
        _d(
            "aftercare_razor_from_day",
            7,
            "day",
            "domain.md §7 [SMPTrinity], [BladeCraft] (razor from day 7–10)",
            "first day a razor may be used (electric foil shaver from the end of the dry days)",
        ),
        _d(
            "aftercare_sweat_from_day",
            7,
            "day",
            "domain.md §7 [SMPTrinity], [BladeCraft] (heavy sweat 7–10 days)",
            "first day of normal showers, gym and heavy sweating",
        ),
        _d(
            "aftercare_sun_days",
            14,
            "days",
            "domain.md §7 [StudylibFR-SMP], [NewAgeSpa] (4–30 days; 14 chosen within the range)",
            "days after a session to keep out of direct sun (hat), then SPF 30+",
        ),
        _d(
            "aftercare_healing_days",
            28,
            "days",
            "domain.md §5.7 [TherapeuticCuts] (true colour at ≈28 days)",
            "days until a session has healed: no picking, no exfoliants until then",
        ),
        _d(
            "aftercare_pool_days_after_final",
            30,
            "days",
            "domain.md §7 [SMPTrinity], [BladeCraft] (20–30 days after the final session)",
            "days after the final session without pools, sauna, steam or tanning beds",
        ),
        # --- preview appearance -------------------------------------------------------------
        _d(
            "preview_size_variation",
            0.10,
            "fraction (SD)",
            None,
            "spread of dot sizes in the preview, relative (no two impressions are alike)",
        ),
        _d(
            "preview_tone_variation",
            0.15,
            "fraction (SD)",
            None,
            "spread of dot darkness in the preview, relative",
        ),
        _d(
            "preview_stubble_mm",
            0.8,
            "mm",
            "domain.md §2.6 [HaircutInfo] (clipper without a guard ≈0.5–1 mm; one chart 0.8)",
            "length the remaining hair is clipped to in the before/after preview",
        ),
        _d(
            "hair_shaft_diameter_mm",
            0.07,
            "mm",
            "domain.md §2.5 [JSCC1983] (Caucasian scalp 69.6 ± 9.3 µm)",
            "diameter of a hair shaft (stubble in the preview)",
        ),
        _d(
            "hairs_per_follicular_unit",
            2.0,
            "hairs/FU",
            "domain.md §2.3 [Bernstein1997] (≈2 hairs per FU)",
            "hairs growing from one follicular unit",
        ),
        _d(
            "full_scalp_fu_density_per_cm2",
            100.0,
            "1/cm^2",
            "domain.md §2.3 [Bernstein1997] (≈1 FU/mm² on a normal non-balding scalp)",
            "follicular units of a full head of hair, scaled by the analysis' hair share",
        ),
        _d(
            "stubble_seen_below_mm",
            1.5,
            "mm",
            None,
            "length of each hair shaft seen through the skin below clipped stubble (it adds "
            "to the shadow of a shaved head)",
        ),
        _d(
            "skin_light_spread_mm",
            0.15,
            "mm",
            None,
            "SD of the sideways blur of a dot seen through the skin above it (light scattered "
            "in the epidermis and papillary dermis): a dot's glow in the preview",
        ),
        _d(
            "photo_blur_px",
            0.6,
            "px (SD)",
            None,
            "softening of a photo by its lens, sensor and compression; a dot drawn into a "
            "photo is blurred by it too, so it does not stand out as a sharp pixel",
        ),
        _d(
            "dot_optical_gain",
            70.0,
            "×",
            None,
            "how much more a dot darkens the skin, integrated over its glow, than its "
            "pigment area alone (light scattered in the skin passes the pigment more than "
            "once); set so that the default plan darkens bare skin about as much as the "
            "preview's stubble of clipped dark hair (docs/preview.md)",
        ),
        _d(
            "fresh_redness",
            0.10,
            "fraction",
            "domain.md §5.7 (fresh dots look larger and darker, [XnSMP-PreTreat]); redness "
            "unsourced",
            "how much a fresh dot's surround loses green and blue (a reddened halo)",
        ),
        _d(
            "fresh_redness_reach",
            3.0,
            "×",
            None,
            "diameter of the reddened surround of a fresh dot, in dot diameters",
        ),
        # --- suitability screening (domain.md §1.3) ----------------------------------------
        _d(
            "chemotherapy_wait_months",
            12,
            "months",
            "domain.md §1.3 [ScalpAmplified] (~1 year; hair returns 3–10 months after, "
            "[Mayo-Chemo])",
            "wait after the last chemotherapy, and get the oncologist's clearance",
        ),
        _d(
            "alopecia_areata_stable_months",
            12,
            "months",
            "domain.md §1.3 [VancClinic]",
            "alopecia areata pattern unchanged this long before SMP",
        ),
        _d(
            "isotretinoin_wait_months",
            6,
            "months",
            "domain.md §1.3 [Donovan-Iso] (package insert; a physician may override, "
            "[Waldman2017])",
            "wait after the last isotretinoin dose",
        ),
        _d(
            "minimum_client_age_years",
            18,
            "years",
            "domain.md §1.3 [Tukes], [NY-BodyArt]",
            "youngest client age",
        ),
        _d("needle_dwell_ms", 40.0, "ms", None, "time the needle stays at one impression"),
        _d(
            "min_impression_spacing_mm",
            0.3,
            "mm",
            None,
            "smallest centre-to-centre spacing the safety check accepts (blow-out risk, §5.8)",
        ),
        # --- device program -------------------------------------------------------------
        _d(
            "needle_depth_min_mm",
            0.25,
            "mm",
            "domain.md §2.2 (lower end of trainer needle settings 0.25–1.75 mm [Insparya])",
            "smallest depth setting the safety check accepts",
        ),
        _d(
            "needle_frequency_hz",
            125.0,
            "1/s",
            "domain.md §5.5 needle frequency 100–150 cycles/s [PMUInt-SMP]",
            "needle cycles per second; hits per impression = dwell × frequency",
        ),
        _d(
            "program_clearance_mm",
            2.0,
            "mm",
            "domain.md §10.1 (ARTAS stays ≈2 mm above the scalp between units) "
            "[Bernstein-Advances]",
            "retract along the tool axis before travelling to the next impression",
        ),
        _d(
            "program_min_clearance_mm",
            1.0,
            "mm",
            None,
            "smallest retract the safety check accepts between impressions",
        ),
        _d(
            "program_min_step_mm",
            2.0,
            "mm",
            None,
            "two impressions executed one after the other are at least this far apart, so the "
            "needle does not hammer one spot",
        ),
        _d(
            "program_rest_window",
            3,
            "impressions",
            None,
            "the step rule holds against this many preceding impressions, not only the last",
        ),
        _d(
            "program_redip_every",
            60,
            "impressions",
            None,
            "a break to re-dip pigment after this many impressions",
        ),
        _d("program_redip_seconds", 4.0, "s", None, "time one re-dip break takes"),
        _d(
            "program_travel_feed_mm_per_min",
            3000.0,
            "mm/min",
            None,
            "feed rate between impressions, at clearance height",
        ),
        _d(
            "program_plunge_feed_mm_per_min",
            3000.0,
            "mm/min",
            None,
            "feed rate along the tool axis, to the skin and back",
        ),
        _d(
            "registration_tolerance_mm",
            0.5,
            "mm",
            None,
            "largest fiducial residual accepted when the device registers the head; an "
            "executed impression within it of a planned one counts as that impression",
        ),
    )
}
"""Every named default, by name."""
