"""Replay: how long a program takes, and the impressions it deposits (for the preview)."""

from dataclasses import dataclass, replace

import numpy as np

from smpstudio.core import Pattern, Program
from smpstudio.program._execution import ExecutionLog
from smpstudio.program._formats import routed_legs


@dataclass(frozen=True, slots=True)
class ProgramDuration:
    """Estimated machine time of a program.

    Parameters
    ----------
    travel_mm : float
        Length of all travel between clearance points (over the safe shell where flown
        that way), millimetres.
    travel_s : float
        Travel time at the travel feed, seconds.
    axis_s : float
        Plunges and retracts along the tool axis at the plunge feed, seconds.
    dwell_s : float
        Needle work, seconds.
    redip_s : float
        Re-dip breaks, seconds.
    """

    travel_mm: float
    travel_s: float
    axis_s: float
    dwell_s: float
    redip_s: float

    @property
    def total_s(self) -> float:
        """All of it, seconds."""
        return self.travel_s + self.axis_s + self.dwell_s + self.redip_s


def estimate_duration(program: Program) -> ProgramDuration:
    """Machine time of a program from its feed rates, dwell and re-dips.

    Parameters
    ----------
    program : Program
        The program.

    Returns
    -------
    ProgramDuration
        Each part; acceleration is ignored (moves at the programmed feed), so this is a
        lower bound for a real machine.
    """
    up = program.positions_mm - program.clearance_mm[:, None] * program.approach
    steps = np.linalg.norm(np.diff(up, axis=0), axis=1)
    for k, route in routed_legs(up, program.safe_radius_mm).items():
        polyline = np.concatenate([up[k - 1 : k], route, up[k : k + 1]])
        steps[k - 1] = np.linalg.norm(np.diff(polyline, axis=0), axis=1).sum()
    travel = float(steps.sum())
    axis_mm = float(2 * program.clearance_mm.sum())
    return ProgramDuration(
        travel_mm=travel,
        travel_s=travel / program.travel_feed_mm_per_min * 60.0,
        axis_s=axis_mm / program.plunge_feed_mm_per_min * 60.0,
        dwell_s=float(program.dwell_ms.sum()) / 1000.0,
        redip_s=float(program.redip_before.sum()) * program.redip_seconds,
    )


def deposited_pattern(
    pattern: Pattern, program: Program, log: ExecutionLog | None = None
) -> Pattern:
    """The impressions on the head once the program ran: earlier sessions, then this one.

    Parameters
    ----------
    pattern : Pattern
        The plan's pattern (its session column gives the earlier sessions).
    program : Program
        This session's program.
    log : ExecutionLog, optional
        What the device reported; without it, the program as written is assumed done.

    Returns
    -------
    Pattern
        Rows of earlier sessions as planned, then one row per firing of this session at
        the position it fired (a repeated firing is a second dot on the same spot).
    """
    earlier = np.flatnonzero(pattern.session < program.session_index)
    if log is None:
        rows, positions = program.impression_index, program.positions_mm
    else:
        known = (log.impression >= 0) & (log.impression < len(pattern))
        rows, positions = log.impression[known], log.positions_mm[known]
    deposit = pattern.rows(np.concatenate([earlier, rows]).astype(np.int64))
    return replace(
        deposit,
        positions_mm=np.concatenate([pattern.positions_mm[earlier], positions]),
        session=np.concatenate(
            [pattern.session[earlier], np.full(len(rows), program.session_index)]
        ).astype(np.int64),
    )
