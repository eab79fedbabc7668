"""Sessions: the split into sessions, shades, schedule, aftercare, screening, follow-ups."""

from smpstudio.sessions._aftercare import (
    PRODUCT_ID,
    AftercareDay,
    Instruction,
    aftercare_days,
    aftercare_ics,
    aftercare_instructions,
    aftercare_text,
)
from smpstudio.sessions._follow_up import (
    MAX_VIEW_ANGLE_DEG,
    MIN_DECISION_SIGMAS,
    MIN_DOT_DIAMETER_PX,
    FollowUpMeasurement,
    calibrate_optical_depth,
    measure_follow_up,
    revise_sessions,
)
from smpstudio.sessions._schedule import (
    SessionSettings,
    day_windows,
    session_hours,
    session_plans,
    session_shades,
)
from smpstudio.sessions._screening import (
    DECISIONS,
    SCALP_CONDITIONS,
    Finding,
    Questionnaire,
    Screening,
    screen,
)
from smpstudio.sessions._split import (
    closest_spacing_per_session,
    cumulative_shares,
    defer_crowded_units,
    prefix_cuts,
    split_sessions,
)

__all__ = [
    "DECISIONS",
    "MAX_VIEW_ANGLE_DEG",
    "MIN_DECISION_SIGMAS",
    "MIN_DOT_DIAMETER_PX",
    "PRODUCT_ID",
    "SCALP_CONDITIONS",
    "AftercareDay",
    "Finding",
    "FollowUpMeasurement",
    "Instruction",
    "Questionnaire",
    "Screening",
    "SessionSettings",
    "aftercare_days",
    "aftercare_ics",
    "aftercare_instructions",
    "aftercare_text",
    "calibrate_optical_depth",
    "closest_spacing_per_session",
    "cumulative_shares",
    "day_windows",
    "defer_crowded_units",
    "measure_follow_up",
    "prefix_cuts",
    "revise_sessions",
    "screen",
    "session_hours",
    "session_plans",
    "session_shades",
    "split_sessions",
]
