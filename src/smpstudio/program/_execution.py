"""At the device: registration to the real head, resuming, and reconciling what was done."""

import io
from dataclasses import dataclass, replace

import numpy as np

from smpstudio._typing import FloatArray, IntArray, PointsMM
from smpstudio.core import Program
from smpstudio.errors import PlanValidationError, RegistrationError

LOG_COLUMNS = ("instruction", "impression", "x_mm", "y_mm", "z_mm", "time_s")
"""Columns of an as-executed log (CSV, head frame after registration, one row per firing)."""


@dataclass(frozen=True, slots=True)
class Registration:
    """The rigid transform from the head frame to the device frame, and how well it fits.

    Parameters
    ----------
    device_from_head : (4, 4) ndarray of float
        Homogeneous rigid transform, millimetres.
    residuals_mm : dict of str to float
        Distance between each measured fiducial and the transformed planned one.
    """

    device_from_head: FloatArray
    residuals_mm: dict[str, float]

    def apply(self, points_mm: PointsMM) -> PointsMM:
        """Head-frame points in the device frame.

        Parameters
        ----------
        points_mm : (n, 3) ndarray of float
            Millimetres, head frame.

        Returns
        -------
        (n, 3) ndarray of float
            Millimetres, device frame.
        """
        pts = np.asarray(points_mm, dtype=np.float64)
        return np.asarray(pts @ self.device_from_head[:3, :3].T + self.device_from_head[:3, 3])


def register_fiducials(program: Program, measured_mm: dict[str, FloatArray]) -> Registration:
    """Fit the head frame to fiducials measured on the real head (least squares, rigid).

    Parameters
    ----------
    program : Program
        The program, with its fiducials and tolerance.
    measured_mm : dict of str to (3,) array of float
        Each fiducial's position as the device measured it, millimetres, device frame;
        at least three of the program's fiducials.

    Returns
    -------
    Registration
        ``device_from_head`` and the residual of each fiducial.

    Raises
    ------
    PlanValidationError
        If fewer than three known fiducials are given.
    RegistrationError
        If a residual exceeds ``program.registration_tolerance_mm``.

    References
    ----------
    .. [1] W. Kabsch, "A solution for the best rotation to relate two sets of vectors",
       Acta Cryst. A32, 922–923 (1976). doi:10.1107/S0567739476001873
    """
    names = [n for n in program.fiducial_names if n in measured_mm]
    unknown = sorted(set(measured_mm) - set(program.fiducial_names))
    if unknown or len(names) < 3:
        raise PlanValidationError(
            f"registration needs ≥ 3 of the fiducials {list(program.fiducial_names)}; "
            f"got {sorted(measured_mm)}"
        )
    planned = program.fiducials_mm[[program.fiducial_names.index(n) for n in names]]
    measured = np.array([measured_mm[n] for n in names], dtype=np.float64).reshape(len(names), 3)
    pc, mc = planned.mean(axis=0), measured.mean(axis=0)
    u, _, vt = np.linalg.svd((planned - pc).T @ (measured - mc))
    flip = np.diag([1.0, 1.0, np.sign(np.linalg.det(vt.T @ u.T))])
    rotation = vt.T @ flip @ u.T
    transform = np.eye(4)
    transform[:3, :3] = rotation
    transform[:3, 3] = mc - rotation @ pc
    residual = np.linalg.norm(planned @ rotation.T + transform[:3, 3] - measured, axis=1)
    residuals = dict(zip(names, residual.tolist(), strict=True))
    if residual.max() > program.registration_tolerance_mm:
        raise RegistrationError(residuals, program.registration_tolerance_mm)
    return Registration(transform, residuals)


def resume_program(program: Program, from_instruction: int) -> Program:
    """The rest of a program after an interruption, starting with a re-dip.

    Parameters
    ----------
    program : Program
        The session's program.
    from_instruction : int
        First instruction to execute (0-based, in the original numbering).

    Returns
    -------
    Program
        Instructions ``from_instruction`` onward; ``ordering["resumed_from"]`` records the
        offset so that logs keep the original numbering.

    Raises
    ------
    PlanValidationError
        If ``from_instruction`` is outside the program.
    """
    offset = int(program.ordering.get("resumed_from", 0))
    if not 0 <= from_instruction - offset < len(program):
        raise PlanValidationError(
            f"from_instruction must be in [{offset}, {offset + len(program) - 1}], "
            f"got {from_instruction}"
        )
    rest = program.rows(slice(from_instruction - offset, None))
    redip = rest.redip_before.copy()
    redip[0] = True
    return replace(
        rest, redip_before=redip, ordering={**rest.ordering, "resumed_from": from_instruction}
    )


@dataclass(frozen=True, slots=True)
class ExecutionLog:
    """What a device reports it did: one row per firing.

    Parameters
    ----------
    instruction : (r,) ndarray of int
        Instruction number of the program (original numbering).
    impression : (r,) ndarray of int
        Pattern row the device believes it did.
    positions_mm : (r, 3) ndarray of float
        Where the needle fired, millimetres, head frame.
    time_s : (r,) ndarray of float
        Seconds from the session start.
    """

    instruction: IntArray
    impression: IntArray
    positions_mm: PointsMM
    time_s: FloatArray


def read_execution_log(text: str) -> ExecutionLog:
    """Parse an as-executed log (CSV with the columns of :data:`LOG_COLUMNS`).

    Parameters
    ----------
    text : str
        The file's content; lines starting with ``#`` are comments.

    Returns
    -------
    ExecutionLog
        The rows, in file order.

    Raises
    ------
    PlanValidationError
        If the column names differ or a row is unreadable.
    """
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines or lines[0].replace(" ", "") != ",".join(LOG_COLUMNS):
        raise PlanValidationError(f"execution log: first line must name the columns {LOG_COLUMNS}")
    try:
        table = np.loadtxt(io.StringIO("\n".join(lines[1:])), delimiter=",", ndmin=2)
    except ValueError as err:
        raise PlanValidationError(f"execution log: unreadable row: {err}") from err
    table = table.reshape(-1, len(LOG_COLUMNS))
    if not np.isfinite(table).all():
        raise PlanValidationError("execution log: a value is NaN or infinite")
    return ExecutionLog(
        instruction=table[:, 0].astype(np.int64),
        impression=table[:, 1].astype(np.int64),
        positions_mm=table[:, 2:5],
        time_s=table[:, 5],
    )


def write_execution_log(log: ExecutionLog) -> str:
    """An as-executed log as CSV (the device's side of :func:`read_execution_log`).

    Parameters
    ----------
    log : ExecutionLog
        The rows.

    Returns
    -------
    str
        CSV text.
    """
    out = io.StringIO()
    out.write(",".join(LOG_COLUMNS) + "\n")
    table = np.column_stack([log.instruction, log.impression, log.positions_mm, log.time_s])
    np.savetxt(
        out,
        table.reshape(-1, len(LOG_COLUMNS)),
        fmt=["%d", "%d", "%.6f", "%.6f", "%.6f", "%.3f"],
        delimiter=",",
    )
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """A session's program compared with what the device did.

    Parameters
    ----------
    done : (d,) ndarray of int
        Instructions done exactly once, within tolerance of the plan.
    skipped : (s,) ndarray of int
        Instructions with no log row before the last one logged.
    pending : (p,) ndarray of int
        Instructions after the last one logged (not reached yet).
    repeated : (r,) ndarray of int
        Instructions logged more than once.
    off_target : (o,) ndarray of int
        Instructions logged farther than the tolerance from their target.
    unknown_rows : (u,) ndarray of int
        Log rows naming no instruction of the program, or the wrong impression.
    executed_mm : (e, 3) ndarray of float
        Every position where the needle fired (healed pigment for later sessions).
    resume_from : int or None
        Where to resume: the first pending instruction, None when none is pending.
    """

    done: IntArray
    skipped: IntArray
    pending: IntArray
    repeated: IntArray
    off_target: IntArray
    unknown_rows: IntArray
    executed_mm: PointsMM
    resume_from: int | None


def reconcile_log(program: Program, log: ExecutionLog) -> Reconciliation:
    """Compare an as-executed log with the program it ran.

    Parameters
    ----------
    program : Program
        The session's full program (not a resumed part).
    log : ExecutionLog
        Every firing the device reported, across resumes.

    Returns
    -------
    Reconciliation
        Done, skipped, pending, repeated and off-target instructions, rows that fit
        nothing, and the positions fired.
    """
    m = len(program)
    known = (log.instruction >= 0) & (log.instruction < m)
    clipped = np.clip(log.instruction, 0, max(m - 1, 0))
    if m:
        known &= program.impression_index[clipped] == log.impression
    rows = np.flatnonzero(known)
    count = np.bincount(log.instruction[rows], minlength=m)
    miss = np.linalg.norm(
        log.positions_mm[rows] - program.positions_mm[log.instruction[rows]], axis=1
    )
    off = np.zeros(m, dtype=bool)
    off[log.instruction[rows][miss > program.registration_tolerance_mm]] = True
    done = (count == 1) & ~off
    reached = int(log.instruction[rows].max()) + 1 if len(rows) else 0
    not_done = np.flatnonzero(count == 0)
    return Reconciliation(
        done=np.flatnonzero(done),
        skipped=not_done[not_done < reached],
        pending=np.arange(reached, m),
        repeated=np.flatnonzero(count > 1),
        off_target=np.flatnonzero(off),
        unknown_rows=np.flatnonzero(~known),
        executed_mm=log.positions_mm.copy(),
        resume_from=reached if reached < m else None,
    )
