import datetime as dt
import re

import pytest

from smpstudio.sessions import Questionnaire, screen

TODAY = dt.date(2026, 11, 26)
ADULT = dt.date(1980, 5, 17)

CASES = [
    # (answers, decision, wait until, a word of the reason)
    ({}, "proceed", None, None),
    ({"fitzpatrick_type": 6}, "proceed", None, "blue-green"),
    ({"diabetes": True}, "proceed", None, "infection"),
    ({"pregnant": True}, "wait", None, "Pregnancy"),
    (
        {"breastfeeding": True, "isotretinoin_last_dose": dt.date(2026, 9, 1)},
        "wait",
        None,
        "breastfeeding",
    ),
    ({"isotretinoin_last_dose": dt.date(2026, 9, 1)}, "wait", dt.date(2027, 3, 1), "Isotretinoin"),
    ({"isotretinoin_last_dose": dt.date(2026, 1, 1)}, "proceed", None, None),
    ({"isotretinoin_ongoing": True}, "refer", None, "prescriber"),
    (
        {"alopecia_areata": "active", "alopecia_areata_last_change": dt.date(2026, 10, 2)},
        "wait",
        dt.date(2027, 10, 2),
        "stable",
    ),
    (
        {"alopecia_areata": "stable", "alopecia_areata_last_change": dt.date(2025, 1, 31)},
        "proceed",
        None,
        None,
    ),
    (
        {"alopecia_areata": "stable", "alopecia_areata_last_change": dt.date(2026, 2, 28)},
        "wait",
        dt.date(2027, 2, 28),
        "stable",
    ),
    ({"active_scalp_conditions": ("psoriasis",)}, "wait", None, "psoriasis"),
    ({"keloid_history": True}, "refer", None, "test area"),
    ({"takes_anticoagulant": True}, "refer", None, "sign-off"),
    ({"severe_immunosuppression": True}, "refer", None, "immunosuppression"),
    ({"tumour_scar_in_area": True}, "refer", None, "tumours"),
    ({"pigment_reaction_history": True}, "refer", None, "patch tests"),
    ({"hair_loss_progressing_fast": True}, "refer", None, "advancing"),
    ({"chemotherapy_ongoing": True}, "wait", None, "oncologist"),
    # chemotherapy ended: wait 12 months and refer for the oncologist's clearance
    ({"chemotherapy_ended": dt.date(2026, 6, 30)}, "refer", dt.date(2027, 6, 30), "oncologist"),
    ({"chemotherapy_ended": dt.date(2024, 6, 30)}, "refer", None, "clearance"),
]


@pytest.mark.parametrize(("answers", "decision", "until", "word"), CASES)
def test_screening_outcomes(answers: dict, decision: str, until, word: str | None) -> None:
    result = screen(Questionnaire(date_of_birth=ADULT, **answers), today=TODAY)
    assert result.decision == decision
    assert result.wait_until == until
    if word is None:
        assert all(f.decision == "proceed" for f in result.findings)
    else:
        assert any(word in f.reason for f in result.findings)
    for f in result.findings:  # every finding says why and where that comes from
        assert f.reason and f.source.startswith("domain.md §")


def test_age() -> None:
    minor = screen(Questionnaire(date_of_birth=dt.date(2010, 2, 28)), today=TODAY)
    assert (minor.decision, minor.wait_until) == ("wait", dt.date(2028, 2, 28))
    # born on 29 February: 18 on the 28th in a year without it
    leap = screen(Questionnaire(date_of_birth=dt.date(2012, 2, 29)), today=TODAY)
    assert (leap.decision, leap.wait_until) == ("wait", dt.date(2030, 2, 28))
    unknown = screen(Questionnaire(), today=TODAY)
    assert unknown.decision == "refer" and "age and ID" in unknown.findings[0].reason


def test_findings_never_advise_changing_a_prescribed_medicine() -> None:
    everything = Questionnaire(
        date_of_birth=ADULT,
        takes_anticoagulant=True,
        isotretinoin_ongoing=True,
        diabetes=True,
        medications=("warfarin", "isotretinoin"),
    )
    for f in screen(everything, today=TODAY).findings:
        assert not re.search(r"\b(stop|discontinu|paus|skip|quit|reduce)\w*", f.reason, re.I), f
    assert any(
        "Keep taking every prescribed medicine" in f.reason
        for f in screen(everything, today=TODAY).findings
    )


def test_answers_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown scalp condition"):
        Questionnaire(active_scalp_conditions=("dandruff",))
    with pytest.raises(ValueError, match="fitzpatrick_type must be 1–6"):
        Questionnaire(fitzpatrick_type=7)
