"""Day-by-day aftercare after each session, as text and as an iCalendar file.

Instructions and windows are the consensus of clinic sheets in ``domain.md`` §7 (grade
C); the day limits are named defaults. Each session repeats the first weeks' schedule; the
pools/sauna restriction runs from the final session.
"""

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import icalendar

from smpstudio.domain import DEFAULTS

PRODUCT_ID = "-//SMP Studio//Aftercare//EN"
"""iCalendar PRODID of the files written here."""


@dataclass(frozen=True, slots=True)
class Instruction:
    """One aftercare instruction and the days it applies, counted from its session.

    Parameters
    ----------
    first_day, last_day : int
        Days after the session (0 = the session's day), inclusive.
    text : str
        What to do, in plain words.
    sources : str
        ``domain.md`` section and reference keys.
    final_only : bool
        Applies only after the final session.
    """

    first_day: int
    last_day: int
    text: str
    sources: str
    final_only: bool = False


@dataclass(frozen=True, slots=True)
class AftercareDay:
    """The instructions of one calendar day.

    Parameters
    ----------
    date : datetime.date
        The day.
    session_index : int
        The most recent session (0-based).
    day_after : int
        Days since that session.
    instructions : tuple of Instruction
        What applies that day.
    """

    date: dt.date
    session_index: int
    day_after: int
    instructions: tuple[Instruction, ...]


def _default_value(name: str) -> float:
    return DEFAULTS[name].value


def aftercare_instructions(
    value: Callable[[str], float] = _default_value,
) -> tuple[Instruction, ...]:
    """The aftercare schedule of one session, with the day limits of the named defaults.

    Parameters
    ----------
    value : callable, optional
        Maps a default's name to its value (``Plan.default_value`` for a client's edits).

    Returns
    -------
    tuple of Instruction
        ``domain.md`` §7 and §5.7.
    """
    dry = int(value("aftercare_dry_days"))
    razor = int(value("aftercare_razor_from_day"))
    sweat = int(value("aftercare_sweat_from_day"))
    sun = int(value("aftercare_sun_days"))
    healing = int(value("aftercare_healing_days"))
    pool = int(value("aftercare_pool_days_after_final"))
    if not 0 < dry <= min(razor, sweat) or min(sun, healing, pool) <= 0:
        raise ValueError("aftercare days must be positive, with the dry days first")
    clinics = "domain.md §7 [SMPTrinity], [Browstoat], [NewAgeSpa], [EnhancedScalp], [BladeCraft]"
    return (
        Instruction(
            0,
            dry - 1,
            "Keep your scalp dry: do not wet or wash it, and avoid sweating. Do not touch or "
            "scratch the treated area. A loose hat only.",
            clinics,
        ),
        Instruction(
            dry,
            sweat - 1,
            "A light rinse with water is fine, with a mild sulfate-free shampoo at most; pat "
            "dry. A fragrance-free moisturiser may be used. Light exercise only.",
            "domain.md §7 [SMPTrinity], [JacksonSMP], [Browstoat]",
        ),
        Instruction(
            dry,
            razor - 1,
            "Shave only with an electric foil shaver or clippers, going around any scabs.",
            "domain.md §7 [SMPTrinity], [BladeCraft], [ScalpStyles]",
        ),
        Instruction(
            razor,
            razor,
            "From today a razor may be used again.",
            "domain.md §7 [SMPTrinity], [BladeCraft], [ScalpStyles]",
        ),
        Instruction(
            sweat,
            sweat,
            "From today normal showers, shampoo, the gym and heavy sweating are fine again.",
            "domain.md §7 [SMPTrinity], [BladeCraft], [EnhancedScalp]",
        ),
        Instruction(
            0,
            sun - 1,
            "Keep your scalp out of direct sun; wear a hat outdoors.",
            "domain.md §7 [StudylibFR-SMP], [NewAgeSpa], [InsiderAdv]",
        ),
        Instruction(
            sun,
            sun,
            "From today protect your scalp with SPF 30 or higher when outdoors.",
            "domain.md §7 [StudylibFR-SMP], [NewAgeSpa]",
        ),
        Instruction(
            0,
            healing - 1,
            "Do not pick or scratch scabs, and use no exfoliants or AHA products on the "
            "scalp while it heals. The dots look darker and larger at first and lighter as "
            "the scabs come off; the healed colour shows after about four weeks.",
            "domain.md §7 [NewAgeSpa], [JacksonSMP]; §5.7 [TherapeuticCuts]",
        ),
        Instruction(
            0,
            pool - 1,
            "No swimming pools, sauna, steam rooms or tanning beds.",
            "domain.md §7 [SMPTrinity], [BladeCraft], [ScalpStyles], [StudylibFR-SMP]",
            final_only=True,
        ),
        Instruction(
            pool,
            pool,
            "From now on: SPF 30–60 on your scalp outdoors and a moisturiser; an anti-shine "
            "product is optional. The dots fade slowly; a touch-up every few years keeps "
            "them crisp.",
            "domain.md §7 [NewAgeSpa], [SMPTrinity]; §6.5",
            final_only=True,
        ),
    )


def aftercare_days(
    session_dates: Sequence[dt.date], instructions: tuple[Instruction, ...] | None = None
) -> tuple[AftercareDay, ...]:
    """Day-by-day instructions for a series of sessions.

    Parameters
    ----------
    session_dates : sequence of datetime.date
        Date of each session, in order (the last is the final session).
    instructions : tuple of Instruction, optional
        Default :func:`aftercare_instructions`.

    Returns
    -------
    tuple of AftercareDay
        Every day with at least one instruction, in date order. A day after a later
        session follows that session's schedule; a final-session instruction never applies
        before the final session.

    Raises
    ------
    ValueError
        If the dates are not strictly increasing.
    """
    steps = aftercare_instructions() if instructions is None else instructions
    dates = list(session_dates)
    if any(b <= a for a, b in itertools.pairwise(dates)):
        raise ValueError("session dates must be strictly increasing")
    days = []
    horizon = max(i.last_day for i in steps)
    for k, start in enumerate(dates):
        final = k == len(dates) - 1
        end = dates[k + 1] if not final else start + dt.timedelta(days=horizon + 1)
        for offset in range((end - start).days):
            active = tuple(
                i
                for i in steps
                if i.first_day <= offset <= i.last_day and (final or not i.final_only)
            )
            if active:
                days.append(AftercareDay(start + dt.timedelta(days=offset), k, offset, active))
    return tuple(days)


def aftercare_text(days: tuple[AftercareDay, ...]) -> str:
    """Plain-text aftercare sheet, one block per day.

    Examples
    --------
    >>> d = aftercare_days([dt.date(2027, 1, 4)])
    >>> aftercare_text(d).splitlines()[0]
    'Monday 4 January 2027 — day 0 after session 1'
    """
    blocks = []
    for day in days:
        lines = [
            f"{day.date:%A} {day.date.day} {day.date:%B %Y} — day {day.day_after} after "
            f"session {day.session_index + 1}"
        ]
        lines += [f"  - {i.text} ({i.sources})" for i in day.instructions]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def aftercare_ics(
    days: tuple[AftercareDay, ...], session_windows: Sequence[tuple[dt.date, dt.date]] = ()
) -> bytes:
    """An iCalendar file: one all-day event per aftercare day, and each session's window.

    Parameters
    ----------
    days : tuple of AftercareDay
        From :func:`aftercare_days`.
    session_windows : sequence of (datetime.date, datetime.date), optional
        Earliest and latest day of each session, shown as multi-day events.

    Returns
    -------
    bytes
        RFC 5545 text (UTF-8, CRLF). UIDs and time stamps derive from the dates, so the
        same plan gives the same file.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "SMP aftercare")
    stamp = dt.datetime.combine(
        days[0].date if days else dt.date(2000, 1, 1), dt.time(0, 0), tzinfo=dt.UTC
    )
    for k, (first, last) in enumerate(session_windows):
        event = icalendar.Event()
        event.add("uid", f"smp-session-{k + 1}-{first.isoformat()}@smpstudio")
        event.add("dtstamp", stamp)
        event.add("dtstart", first)
        event.add("dtend", last + dt.timedelta(days=1))
        window = "" if first == last else " (window: book one day in it)"
        event.add("summary", f"SMP session {k + 1}{window}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    for day in days:
        event = icalendar.Event()
        event.add("uid", f"smp-aftercare-{day.date.isoformat()}@smpstudio")
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)
        event.add("dtend", day.date + dt.timedelta(days=1))
        event.add(
            "summary", f"SMP aftercare: day {day.day_after} after session {day.session_index + 1}"
        )
        event.add("description", "\n".join(f"- {i.text}" for i in day.instructions))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
