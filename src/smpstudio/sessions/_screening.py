"""Suitability screening: a questionnaire → proceed, wait until a date, or refer.

Rules follow ``domain.md`` §1.3; each finding carries its reason and source. The screen
never advises changing a prescribed medicine: where a medicine matters, it asks for the
prescriber's sign-off.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from smpstudio.domain import DEFAULTS

Decision = Literal["proceed", "wait", "refer"]
DECISIONS: tuple[Decision, ...] = ("proceed", "wait", "refer")
"""Decisions from mildest to strictest; the screen's decision is its strictest finding's."""
SCALP_CONDITIONS = ("psoriasis", "eczema", "lichen planus", "folliculitis", "infection")
"""Active scalp conditions the questionnaire asks about (``domain.md`` §1.3)."""


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """The client's answers.

    Parameters
    ----------
    date_of_birth : datetime.date or None
        None where not given (the age check then refers to the practitioner).
    pregnant, breastfeeding : bool
        Currently.
    chemotherapy_ongoing : bool
        Receiving chemotherapy now.
    chemotherapy_ended : datetime.date or None
        Day of the last chemotherapy, if any.
    alopecia_areata : {"none", "active", "stable"}
        Alopecia areata, and whether its pattern is changing.
    alopecia_areata_last_change : datetime.date or None
        Last time a patch appeared or regrew.
    keloid_history : bool
        Keloids or hypertrophic scars ever.
    tumour_scar_in_area : bool
        A scar from a tumour in the area to treat.
    severe_immunosuppression : bool
        Severely immunosuppressed (by illness or medicine).
    active_scalp_conditions : tuple of str
        Of :data:`SCALP_CONDITIONS`, active now.
    takes_anticoagulant : bool
        Prescribed blood thinners, or has a clotting disorder.
    isotretinoin_ongoing : bool
        Taking isotretinoin now.
    isotretinoin_last_dose : datetime.date or None
        Day of the last dose, if taken before.
    diabetes : bool
        Has diabetes.
    pigment_reaction_history : bool
        Ever reacted to a tattoo or permanent make-up pigment.
    hair_loss_progressing_fast : bool
        Hair loss visibly advancing now.
    fitzpatrick_type : int or None
        I–VI as 1–6.
    medications : tuple of str
        Every medicine taken, as the client names it (recorded, passed to the physician).
    """

    date_of_birth: dt.date | None = None
    pregnant: bool = False
    breastfeeding: bool = False
    chemotherapy_ongoing: bool = False
    chemotherapy_ended: dt.date | None = None
    alopecia_areata: Literal["none", "active", "stable"] = "none"
    alopecia_areata_last_change: dt.date | None = None
    keloid_history: bool = False
    tumour_scar_in_area: bool = False
    severe_immunosuppression: bool = False
    active_scalp_conditions: tuple[str, ...] = ()
    takes_anticoagulant: bool = False
    isotretinoin_ongoing: bool = False
    isotretinoin_last_dose: dt.date | None = None
    diabetes: bool = False
    pigment_reaction_history: bool = False
    hair_loss_progressing_fast: bool = False
    fitzpatrick_type: int | None = None
    medications: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.active_scalp_conditions) - set(SCALP_CONDITIONS)
        if unknown:
            raise ValueError(
                f"unknown scalp condition(s) {sorted(unknown)}; "
                f"known: {', '.join(SCALP_CONDITIONS)}"
            )
        if self.fitzpatrick_type is not None and self.fitzpatrick_type not in range(1, 7):
            raise ValueError(f"fitzpatrick_type must be 1–6, got {self.fitzpatrick_type}")
        if self.alopecia_areata not in ("none", "active", "stable"):
            raise ValueError(
                f"alopecia_areata must be none, active or stable, got {self.alopecia_areata!r}"
            )


@dataclass(frozen=True, slots=True)
class Finding:
    """One answer's consequence.

    Parameters
    ----------
    decision : {"proceed", "wait", "refer"}
        What this answer alone calls for ("proceed" findings are notes).
    reason : str
        Why, in plain words.
    source : str
        ``domain.md`` section and reference keys.
    until : datetime.date or None
        For "wait": the first day it no longer applies, where a date is known.
    """

    decision: Decision
    reason: str
    source: str
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Screening:
    """The outcome of a screen.

    Parameters
    ----------
    decision : {"proceed", "wait", "refer"}
        The strictest finding's decision.
    wait_until : datetime.date or None
        The latest date among the waits; None where there is no wait, or a wait that
        lasts until a condition ends rather than a date (pregnancy, an active condition).
    findings : tuple of Finding
        Every finding, strictest first.
    """

    decision: Decision
    wait_until: dt.date | None
    findings: tuple[Finding, ...]


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day where it is shorter).

    Examples
    --------
    >>> _add_months(dt.date(2026, 8, 31), 6)
    datetime.date(2027, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _age_findings(q: Questionnaire, today: dt.date) -> list[Finding]:
    minimum = int(DEFAULTS["minimum_client_age_years"].value)
    source = "domain.md §1.3 [Tukes], [NY-BodyArt]"
    if q.date_of_birth is None:
        return [
            Finding(
                "refer", "Date of birth not given: the practitioner must check age and ID.", source
            )
        ]
    adult_on = _add_months(q.date_of_birth, 12 * minimum)
    if adult_on > today:
        return [Finding("wait", f"Tattooing is not offered under {minimum}.", source, adult_on)]
    return []


def _medical_findings(q: Questionnaire, today: dt.date) -> list[Finding]:
    found = []
    if q.pregnant or q.breastfeeding:
        found.append(
            Finding(
                "wait",
                "Pregnancy and breastfeeding are strict contraindications to tattooing: wait "
                "until both are over.",
                "domain.md §1.3 [Kluger2018], [Adis2018]",
            )
        )
    if q.severe_immunosuppression:
        found.append(
            Finding(
                "refer",
                "Severe immunosuppression is a strict contraindication to tattooing; only the "
                "treating physician can judge when it is safe.",
                "domain.md §1.3 [Kluger2018], [Adis2018]",
            )
        )
    if q.tumour_scar_in_area:
        found.append(
            Finding(
                "refer",
                "Scars from tumours are a strict contraindication; the treating physician must "
                "decide.",
                "domain.md §1.3 [Adis2018]",
            )
        )
    chemo_source = "domain.md §1.3 [Mayo-Chemo], [BCCancer], [ScalpAmplified]"
    if q.chemotherapy_ongoing:
        found.append(
            Finding(
                "wait",
                "During chemotherapy: hair usually returns 3–10 months after treatment ends; "
                "decide after it has settled, with the oncologist's clearance.",
                chemo_source,
            )
        )
    elif q.chemotherapy_ended is not None:
        months = int(DEFAULTS["chemotherapy_wait_months"].value)
        until = _add_months(q.chemotherapy_ended, months)
        if until > today:
            found.append(
                Finding(
                    "wait",
                    f"Chemotherapy ended {q.chemotherapy_ended.isoformat()}: hair usually "
                    f"returns 3–10 months after treatment; wait {months} months for it to "
                    "settle.",
                    chemo_source,
                    until,
                )
            )
        found.append(
            Finding(
                "refer",
                "After chemotherapy, SMP needs the oncologist's clearance.",
                chemo_source,
            )
        )
    return found


def _scalp_findings(q: Questionnaire, today: dt.date) -> list[Finding]:
    found = []
    aa_source = "domain.md §1.3 [VancClinic], [Rassman2015]"
    stable = int(DEFAULTS["alopecia_areata_stable_months"].value)
    if q.alopecia_areata == "active":
        until = (
            None
            if q.alopecia_areata_last_change is None
            else _add_months(q.alopecia_areata_last_change, stable)
        )
        found.append(
            Finding(
                "wait",
                f"Alopecia areata is changing: patches may fill in or new ones appear. Wait "
                f"until the pattern has been stable for {stable} months.",
                aa_source,
                until,
            )
        )
    elif q.alopecia_areata == "stable" and q.alopecia_areata_last_change is not None:
        until = _add_months(q.alopecia_areata_last_change, stable)
        if until > today:
            found.append(
                Finding(
                    "wait",
                    f"Alopecia areata last changed {q.alopecia_areata_last_change.isoformat()}; "
                    f"wait until it has been stable for {stable} months.",
                    aa_source,
                    until,
                )
            )
    for condition in q.active_scalp_conditions:
        found.append(
            Finding(
                "wait",
                f"Active {condition} on the scalp: no treatment over active lesions; wait until "
                "it has cleared (skin diseases can appear in tattoos).",
                "domain.md §1.3 [Khunger2015], [Kluger2015], [JaimieJolly]",
            )
        )
    if q.keloid_history:
        found.append(
            Finding(
                "refer",
                "A history of keloid or hypertrophic scars is a listed tattoo risk: a physician "
                "should assess it, and a small test area comes first.",
                "domain.md §1.3 [FDA-Tattoo], [NY-BodyArt]",
            )
        )
    if q.hair_loss_progressing_fast:
        found.append(
            Finding(
                "refer",
                "SMP is not recommended while hair loss is advancing quickly; a physician "
                "should assess the hair loss first.",
                "domain.md §1.3 [Traquina2001]",
            )
        )
    return found


def _medicine_findings(q: Questionnaire, today: dt.date) -> list[Finding]:
    found = []
    keep = "Keep taking every prescribed medicine as prescribed."
    if q.takes_anticoagulant:
        found.append(
            Finding(
                "refer",
                f"Blood thinners or a clotting disorder: SMP needs the prescribing physician's "
                f"sign-off. {keep}",
                "domain.md §1.3 [Kluger2015]",
            )
        )
    iso_months = int(DEFAULTS["isotretinoin_wait_months"].value)
    iso_source = "domain.md §1.3 [Donovan-Iso], [Waldman2017], [Mysore2017]"
    if q.isotretinoin_ongoing:
        found.append(
            Finding(
                "refer",
                f"Isotretinoin: the package insert asks for {iso_months} months after the last "
                f"dose before cosmetic procedures; the prescriber decides. {keep}",
                iso_source,
            )
        )
    elif q.isotretinoin_last_dose is not None:
        until = _add_months(q.isotretinoin_last_dose, iso_months)
        if until > today:
            found.append(
                Finding(
                    "wait",
                    f"Isotretinoin: wait {iso_months} months after the last dose (package "
                    "insert; a physician may decide otherwise).",
                    iso_source,
                    until,
                )
            )
    if q.diabetes:
        found.append(
            Finding(
                "proceed",
                "Diabetes is a healing and infection risk, not a contraindication; keep the "
                "aftercare strictly and report any sign of infection.",
                "domain.md §1.3 [Kluger2018], [Kluger2015]",
            )
        )
    if q.pigment_reaction_history:
        found.append(
            Finding(
                "refer",
                "A past reaction to a tattoo pigment: patch tests cannot reliably rule out an "
                "allergy; a dermatologist should assess it first.",
                "domain.md §1.3 [Schubert2023], [BodyWorx]",
            )
        )
    return found


def _skin_type_findings(q: Questionnaire) -> list[Finding]:
    if q.fitzpatrick_type is not None and q.fitzpatrick_type >= 5:
        return [
            Finding(
                "proceed",
                "On darker skin, too dark an undiluted black can heal blue-green: the first "
                "session starts light.",
                "domain.md §6.2 [PMUInt-SMP], [SMPAus-Sessions]",
            )
        ]
    return []


def screen(q: Questionnaire, *, today: dt.date) -> Screening:
    """Screen a client's answers.

    Parameters
    ----------
    q : Questionnaire
        The answers.
    today : datetime.date
        The day of the screen (dates are compared with it).

    Returns
    -------
    Screening
        The strictest decision, the latest wait date, and every finding with its reason
        and source. With no finding: "proceed".
    """
    findings = [
        *_age_findings(q, today),
        *_medical_findings(q, today),
        *_scalp_findings(q, today),
        *_medicine_findings(q, today),
        *_skin_type_findings(q),
    ]
    findings.sort(key=lambda f: -DECISIONS.index(f.decision))
    decision: Decision = findings[0].decision if findings else "proceed"
    waits = [f.until for f in findings if f.decision == "wait"]
    until = None if None in waits or not waits else max(d for d in waits if d is not None)
    return Screening(decision, until, tuple(findings))
