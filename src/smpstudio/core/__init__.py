"""Core values, the head frame, and the plan file format."""

from smpstudio.core._atomic import write_bytes_atomic
from smpstudio.core._frames import HEAD_FRAME, RigidTransform
from smpstudio.core._planfile import (
    PLAN_FILE_NAME,
    PLAN_FORMAT_VERSION,
    load_plan,
    plan_schema,
    save_plan,
)
from smpstudio.core._values import (
    ZONE_KINDS,
    Camera,
    Design,
    HairCoverage,
    HeadModel,
    Pattern,
    Plan,
    Program,
    Revision,
    SessionPlan,
    TouchUp,
    View,
    Zone,
)

__all__ = [
    "HEAD_FRAME",
    "PLAN_FILE_NAME",
    "PLAN_FORMAT_VERSION",
    "ZONE_KINDS",
    "Camera",
    "Design",
    "HairCoverage",
    "HeadModel",
    "Pattern",
    "Plan",
    "Program",
    "Revision",
    "RigidTransform",
    "SessionPlan",
    "TouchUp",
    "View",
    "Zone",
    "load_plan",
    "plan_schema",
    "save_plan",
    "write_bytes_atomic",
]
