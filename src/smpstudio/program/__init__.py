"""Program: ordered impressions for a guided device, documented formats, safety check."""

from smpstudio.program._build import (
    PROGRAM_FORMAT_VERSION,
    build_program,
    program_document,
    program_from_document,
)
from smpstudio.program._order import order_for_travel
from smpstudio.program._safety import SafetyLimits, check_program_safety, program_violations

__all__ = [
    "PROGRAM_FORMAT_VERSION",
    "SafetyLimits",
    "build_program",
    "check_program_safety",
    "order_for_travel",
    "program_document",
    "program_from_document",
    "program_violations",
]
