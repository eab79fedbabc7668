"""Hair-loss stage from what the photos show: Hamilton–Norwood (men) or Ludwig (women).

Each scalp region's measured hair coverage (:func:`smpstudio.head.hair_coverage`) is read as
*full*, *thin* or *bare*; a region no photo shows well enough is *unknown*, and every
reading of it is tried. The stages whose description (``domain.md`` §3.1, [NH-Table],
[Keratin-Norwood], Ludwig 1977) fits every combination the photos allow are reported, so a
set seen from the front only says which stages remain possible instead of guessing.

The coverage thresholds are unsourced defaults; the rules follow the scales' wording and
have not been checked against photos graded by a clinician (none are in the data).
"""

import itertools
from dataclasses import dataclass

from smpstudio.core import HairCoverage
from smpstudio.domain import DEFAULTS

NORWOOD_STAGES = ("I", "II", "III", "III vertex", "IV", "V", "VI–VII")
"""Hamilton–Norwood stages as reported; VI and VII differ by the height of the side fringe,
which is not measured, so they are one."""
LUDWIG_GRADES = ("I", "II", "III")
LEVELS = ("bare", "thin", "full")
_STAGE_REGIONS = ("front", "temples", "top", "crown")


@dataclass(frozen=True, slots=True)
class HairLossStage:
    """The stages the photos allow.

    Parameters
    ----------
    scale : {"Hamilton–Norwood", "Ludwig"}
        The scale used (by the client's sex).
    stages : tuple of str
        Every stage consistent with the photos, mildest first (one when the photos decide;
        none when the loss lies outside the scale, as a bare front on the Ludwig scale).
    readings : dict of str to str
        What each region was read as: "full", "thin", "bare" or "not seen".
    """

    scale: str
    stages: tuple[str, ...]
    readings: dict[str, str]

    @property
    def decided(self) -> bool:
        """True when the photos leave exactly one stage."""
        return len(self.stages) == 1


def _level(fraction: float | None) -> str | None:
    if fraction is None:
        return None
    if fraction < DEFAULTS["hair_bare_below_fraction"].value:
        return "bare"
    return "thin" if fraction < DEFAULTS["hair_full_from_fraction"].value else "full"


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
        Every stage some reading of the unseen regions allows, mildest first. A Ludwig grade
        of "I" with full coverage means no rarefaction was seen.
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
    options: list[tuple[str, ...]] = [
        LEVELS if (level := readings[name]) is None else (level,) for name in _STAGE_REGIONS
    ]
    shown = {name: level or "not seen" for name, level in readings.items()}
    if sex == "female":
        if readings["front"] == "bare":
            return HairLossStage("Ludwig", (), shown)  # the scale keeps the frontal hairline
        grades = {_ludwig(top, crown) for _, _, top, crown in itertools.product(*options)}
        return HairLossStage("Ludwig", tuple(g for g in LUDWIG_GRADES if g in grades), shown)
    stages = {_norwood(*reading) for reading in itertools.product(*options)}
    return HairLossStage("Hamilton–Norwood", tuple(s for s in NORWOOD_STAGES if s in stages), shown)
