import datetime as dt

import icalendar
import pytest

from smpstudio.domain import DEFAULTS
from smpstudio.sessions import aftercare_days, aftercare_ics, aftercare_instructions, aftercare_text

SESSIONS = [dt.date(2027, 3, 1), dt.date(2027, 3, 12), dt.date(2027, 3, 24)]


def _texts(day) -> str:
    return " ".join(i.text for i in day.instructions)


def test_day_by_day_schedule_follows_the_clinic_sheets() -> None:
    days = aftercare_days(SESSIONS)
    by_date = {d.date: d for d in days}
    # days 0–3 dry after every session (domain.md §7: dry 3–5 days)
    for start in SESSIONS:
        for k in range(4):
            assert "Keep your scalp dry" in _texts(by_date[start + dt.timedelta(days=k)])
        assert "Keep your scalp dry" not in _texts(by_date[start + dt.timedelta(days=4)])
    # a later session restarts the schedule: day 0 of session 2, not day 11 of session 1
    assert by_date[SESSIONS[1]].session_index == 1 and by_date[SESSIONS[1]].day_after == 0
    # pools and sauna: only after the final session, for 30 days
    pools = [d.date for d in days if "swimming pools" in _texts(d)]
    assert pools[0] == SESSIONS[2] and pools[-1] == SESSIONS[2] + dt.timedelta(days=29)
    assert len(pools) == 30
    # the razor day and the end of the sun restriction
    assert "razor may be used" in _texts(by_date[SESSIONS[2] + dt.timedelta(days=7)])
    assert "SPF 30" in _texts(by_date[SESSIONS[2] + dt.timedelta(days=14)])
    assert days[-1].date == SESSIONS[2] + dt.timedelta(days=30)
    assert [d.date for d in days] == sorted({d.date for d in days})  # one entry per day


def test_ics_parses_back_with_the_right_dates() -> None:
    days = aftercare_days(SESSIONS)
    windows = [(s, s + dt.timedelta(days=2)) for s in SESSIONS]
    calendar = icalendar.Calendar.from_ical(aftercare_ics(days, windows))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(days) + len(windows)
    sessions = [e for e in events if str(e["summary"]).startswith("SMP session")]
    assert [e.decoded("dtstart") for e in sessions] == SESSIONS
    # all-day events: DTEND is the day after (exclusive)
    assert sessions[0].decoded("dtend") == SESSIONS[0] + dt.timedelta(days=3)
    care = {e.decoded("dtstart"): e for e in events if "aftercare" in str(e["summary"])}
    assert sorted(care) == [d.date for d in days]
    first = care[SESSIONS[0]]
    assert str(first["summary"]) == "SMP aftercare: day 0 after session 1"
    assert first.decoded("dtend") == SESSIONS[0] + dt.timedelta(days=1)
    assert "Keep your scalp dry" in str(first["description"])
    assert len({str(e["uid"]) for e in events}) == len(events)
    # the same plan gives the same bytes
    assert aftercare_ics(days, windows) == aftercare_ics(aftercare_days(SESSIONS), windows)


def test_text_sheet_and_edited_days() -> None:
    text = aftercare_text(aftercare_days(SESSIONS[:1]))
    assert text.startswith("Monday 1 March 2027 — day 0 after session 1")
    edits = {"aftercare_dry_days": 5.0}
    longer = aftercare_instructions(lambda name: edits.get(name, DEFAULTS[name].value))
    days = aftercare_days(SESSIONS[:1], longer)
    assert "Keep your scalp dry" in _texts(days[4])
    with pytest.raises(ValueError, match="strictly increasing"):
        aftercare_days([SESSIONS[1], SESSIONS[0]])
