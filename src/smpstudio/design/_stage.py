"""Hair-loss stage from what the photos show: Hamilton–Norwood (men) or Ludwig (women).

Each scalp region's measured hair coverage (:func:`smpstudio.head.hair_coverage`) is read as
*full*, *thin* or *bare*; a region no photo shows well enough is *unknown*, and every
reading of it is tried. The stages whose description (``domain.md`` §3.1, [NH-Table],
[Keratin-Norwood], Ludwig 1977) fits every combination the photos allow are reported, so a
set seen from the front only says which stages remain possible instead of guessing.

Each stage also gets a probability. A seen region's reading is uncertain near the
thresholds: its measured coverage is taken as normal about the true one with SD
``hair_coverage_reading_sd``, which gives each of its three readings a probability. An
unseen region's three readings are taken as equally likely. A stage's probability is the
total probability of the readings that give it; the confidence is that of the most likely
stage, which chooses the design preset (:data:`STAGE_PRESETS`) when it reaches
``stage_preset_min_confidence``.

The coverage thresholds, the SD and the uniform weighting of unseen readings are unsourced
defaults; the rules follow the scales' wording and have not been checked against photos
graded by a clinician (none are in the data).
"""

import itertools
import math
from dataclasses import dataclass, field

from smpstudio.core import HairCoverage
from smpstudio.domain import DEFAULTS

NORWOOD_STAGES = ("I", "II", "III", "III vertex", "IV", "V", "VI–VII")
"""Hamilton–Norwood stages as reported; VI and VII differ by the height of the side fringe,
which is not measured, so they are one."""
LUDWIG_GRADES = ("I", "II", "III")
LEVELS = ("bare", "thin", "full")
_STAGE_REGIONS = ("front", "temples", "top", "crown")
_REPORTED_FROM = 0.05
"""Stages with less probability than this are left out of ``HairLossStage.stages``."""

STAGE_PRESETS: dict[str, tuple[str, str]] = {
    "Hamilton–Norwood I": ("natural", "juvenile"),
    "Hamilton–Norwood II": ("natural", "mature"),
    "Hamilton–Norwood III": ("natural", "mature"),
    "Hamilton–Norwood III vertex": ("natural", "mature"),
    "Hamilton–Norwood IV": ("natural", "mature"),
    "Hamilton–Norwood V": ("soft", "mature"),
    "Hamilton–Norwood VI–VII": ("soft", "mature"),
    "Ludwig I": ("soft", "mature"),
    "Ludwig II": ("soft", "mature"),
    "Ludwig III": ("soft", "mature"),
}
"""Hairline (style, age) preset per stage. Only a stage-I client keeps a juvenile line: the
mature line sits ≈1.5 cm higher and a line set low is hard to keep convincing as loss
progresses ([Rassman2013-Phenotype], [Shapiro2013], ``domain.md`` §4). The soft style for
advanced loss and for women's diffuse thinning (a wider transition that blends into
whatever hair is left) is ours (unsourced)."""


@dataclass(frozen=True, slots=True)
class HairLossStage:
    """The stages the photos allow.

    Parameters
    ----------
    scale : {"Hamilton–Norwood", "Ludwig"}
        The scale used (by the client's sex).
    stages : tuple of str
        Every stage with at least 5 % probability, mildest first (one when the photos
        decide; none when the loss lies outside the scale, as a bare front on the Ludwig
        scale).
    readings : dict of str to str
        What each region was read as: "full", "thin", "bare" or "not seen".
    probabilities : dict of str to float
        Probability of each stage in ``stages`` (see the module notes), summing to 1 over
        all stages.
    """

    scale: str
    stages: tuple[str, ...]
    readings: dict[str, str]
    probabilities: dict[str, float] = field(default_factory=dict)

    @property
    def decided(self) -> bool:
        """True when the photos leave exactly one stage."""
        return len(self.stages) == 1

    @property
    def most_likely(self) -> str | None:
        """The most probable stage (the mildest of equals); None outside the scale."""
        if not self.stages:
            return None
        return max(self.stages, key=lambda s: (self.probabilities[s], -self.stages.index(s)))

    @property
    def confidence(self) -> float:
        """Probability of the most likely stage, 0–1 (0 outside the scale)."""
        best = self.most_likely
        return 0.0 if best is None else self.probabilities[best]

    @property
    def preset(self) -> tuple[str, str] | None:
        """The (style, age) hairline preset of the most likely stage.

        None when the confidence is below ``stage_preset_min_confidence`` or the loss is
        off the scale.
        """
        best = self.most_likely
        if best is None or self.confidence < DEFAULTS["stage_preset_min_confidence"].value:
            return None
        return STAGE_PRESETS[f"{self.scale} {best}"]


def _level(fraction: float | None) -> str | None:
    if fraction is None:
        return None
    if fraction < DEFAULTS["hair_bare_below_fraction"].value:
        return "bare"
    return "thin" if fraction < DEFAULTS["hair_full_from_fraction"].value else "full"


def _level_probabilities(fraction: float | None) -> dict[str, float]:
    """Probability of each reading of a region with this measured coverage."""
    if fraction is None:
        return dict.fromkeys(LEVELS, 1.0 / len(LEVELS))
    sd = DEFAULTS["hair_coverage_reading_sd"].value

    def below(threshold: float) -> float:  # P(true coverage < threshold)
        return 0.5 * (1.0 + math.erf((threshold - fraction) / (sd * math.sqrt(2.0))))

    bare = below(DEFAULTS["hair_bare_below_fraction"].value)
    full = 1.0 - below(DEFAULTS["hair_full_from_fraction"].value)
    return {"bare": bare, "thin": 1.0 - bare - full, "full": full}


def _norwood(front: str, temples: str, top: str, crown: str) -> str:
    """The Norwood stage of one reading of the four regions (Norwood 1975 wording)."""
    rank = {"full": 2, "thin": 1, "bare": 0}
    f, t, p, c = (rank[x] for x in (front, temples, top, crown))
    if f == 0 and p == 0 and c == 0:
        return "VI–VII"  # bridge lost: front, top and crown joined
    if f == 0 and c <= 1:
        return "V" if p <= 1 else "IV"  # a band of hair (the top) still separates them
    if f == 0:
        return "III" if p == 2 else "IV"  # type A: the front recedes, the crown keeps hair
    if c <= 1:
        return "III vertex"  # loss mainly at the vertex, frontal recession up to III
    if t == 0:
        return "III"
    if t == 1 or f == 1:
        return "II"
    return "I"


def _ludwig(top: str, crown: str) -> str:
    """The Ludwig grade of the crown rarefaction behind a kept frontal hairline."""
    worst = min((top, crown), key=LEVELS.index)
    return {"full": "I", "thin": "II", "bare": "III"}[worst]


def estimate_hair_loss_stage(coverage: tuple[HairCoverage, ...], sex: str) -> HairLossStage:
    """The hair-loss stages consistent with the hair coverage the photos show.

    Parameters
    ----------
    coverage : tuple of HairCoverage
        Per scalp region (the plan's ``hair_coverage``); temples are the mean of the two.
    sex : {"male", "female"}
        Hamilton–Norwood for men, Ludwig for women.

    Returns
    -------
    HairLossStage
        Every stage with at least 5 % probability, mildest first, with the probabilities.
        A Ludwig grade of "I" with full coverage means no rarefaction was seen.
    """
    by_region = {c.region: c.hair_fraction for c in coverage}
    temples = [by_region.get(s) for s in ("left_temple", "right_temple")]
    seen_temples = [t for t in temples if t is not None]
    fractions = {
        "front": by_region.get("front"),
        "temples": sum(seen_temples) / len(seen_temples) if seen_temples else None,
        "top": by_region.get("top"),
        "crown": by_region.get("crown"),
    }
    readings = {name: _level(fractions[name]) for name in _STAGE_REGIONS}
    weights = [_level_probabilities(fractions[name]) for name in _STAGE_REGIONS]
    shown = {name: level or "not seen" for name, level in readings.items()}
    scale, order = (
        ("Ludwig", LUDWIG_GRADES) if sex == "female" else ("Hamilton–Norwood", NORWOOD_STAGES)
    )
    if sex == "female" and readings["front"] == "bare":
        return HairLossStage(scale, (), shown)  # the scale keeps the frontal hairline
    probability = dict.fromkeys(order, 0.0)
    for reading in itertools.product(LEVELS, repeat=len(_STAGE_REGIONS)):
        weight = math.prod(w[level] for w, level in zip(weights, reading, strict=True))
        if sex == "female":
            if reading[0] == "bare":
                continue  # off the Ludwig scale; the rest is renormalised below
            stage = _ludwig(reading[2], reading[3])
        else:
            stage = _norwood(*reading)
        probability[stage] += weight
    total = sum(probability.values())
    stages = tuple(s for s in order if probability[s] / total >= _REPORTED_FROM)
    return HairLossStage(scale, stages, shown, {s: probability[s] / total for s in stages})


def choose_hairline_preset(
    stage: HairLossStage,
    *,
    style: str | None = None,
    age: str | None = None,
    client_age_years: float | None = None,
) -> tuple[str, str, str]:
    """The hairline style and age to design with, and why.

    Parameters
    ----------
    stage : HairLossStage
        The estimated hair-loss stage.
    style, age : str, optional
        The practitioner's choice; each given one is kept.
    client_age_years : float, optional
        The client's age: from ``hairline_mature_by_age_years`` on, a preset never gives a
        juvenile line (the hairline has matured by then, [Rassman2013-Phenotype]).

    Returns
    -------
    style, age : str
        The given values, else the stage's preset (:attr:`HairLossStage.preset`), else
        "natural" and "mature".
    reason : str
        Where the values not given came from, for the practitioner.
    """
    preset = stage.preset
    if style is not None and age is not None:
        reason = "as asked"
    elif preset is not None:
        reason = (
            f"preset for {stage.scale} {stage.most_likely} "
            f"(confidence {stage.confidence:.0%}, unsourced style choice)"
        )
    elif not stage.stages:
        reason = f"default: the loss lies outside the {stage.scale} scale"
    else:
        least = DEFAULTS["stage_preset_min_confidence"].value
        reason = f"default: no stage reaches the {least:.0%} confidence that chooses a preset"
    preset_style, preset_age = preset or ("natural", "mature")
    mature_by = DEFAULTS["hairline_mature_by_age_years"].value
    if age is None and preset_age == "juvenile" and (client_age_years or 0.0) >= mature_by:
        preset_age = "mature"
        reason += f"; mature, as the client is {client_age_years:g} (≥ {mature_by:g} years)"
    return style or preset_style, age or preset_age, reason
