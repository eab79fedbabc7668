"""Exceptions raised by SMP Studio.

Every error says what was wrong, where (argument, field or file) and, where it helps, what
to do. Only ``cli.py`` maps them to exit codes.
"""

from pathlib import Path

__all__ = [
    "CatalogueError",
    "ImageReadError",
    "InputFolderError",
    "NoFaceFoundError",
    "PlanFormatError",
    "PlanValidationError",
    "ProgramSafetyError",
    "RegistrationError",
    "SMPError",
    "ScanError",
    "StageOrderError",
    "UnitsError",
]


class SMPError(Exception):
    """Base class of every error SMP Studio raises on purpose."""


class InputFolderError(SMPError):
    """A photos folder is missing, not a folder, or holds no usable image."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ImageReadError(SMPError):
    """An image file cannot be decoded, or is too large or too small to analyse."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot read image {path}: {reason}")


class NoFaceFoundError(SMPError):
    """No face was found in a photo that needs one (registration uses the face)."""

    def __init__(
        self,
        path: Path,
        reason: str = "a frontal photo with the whole face visible is needed to place the "
        "head model",
    ) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"no face found in {path}: {reason}")


class UnitsError(SMPError):
    """A length has no unit, or a unit that cannot be right for a human head."""


class PlanFormatError(SMPError):
    """A plan file cannot be read.

    Malformed JSON, a wrong or missing field, a missing array, or a format version this
    release does not know.
    """

    def __init__(self, path: Path, field: str, reason: str) -> None:
        self.path = path
        self.field = field
        self.reason = reason
        super().__init__(f"{path}: field '{field}': {reason}")


class PlanValidationError(SMPError):
    """A value breaks a rule of the plan (a shape, a range, a missing stage)."""


class ScanError(SMPError):
    """A head scan cannot be read, or is not a usable head surface."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot use scan {path}: {reason}")


class StageOrderError(SMPError):
    """A stage was run before the stage whose output it needs."""

    def __init__(self, stage: str, needs: str, path: Path) -> None:
        self.stage = stage
        self.needs = needs
        self.path = path
        super().__init__(
            f"{path}: '{stage}' needs the output of '{needs}', which this plan does not have yet; "
            f"run 'smp {needs}' first"
        )


class ProgramSafetyError(SMPError):
    """A device program breaks a safety limit; carries every violation found."""

    def __init__(self, violations: list[str], *, shown: int = 20) -> None:
        self.violations = violations
        listed = "\n- ".join(violations[:shown])
        more = f"\n... and {len(violations) - shown} more" if len(violations) > shown else ""
        super().__init__(
            f"device program failed its safety check ({len(violations)} violation(s)):\n- "
            + listed
            + more
        )


class RegistrationError(SMPError):
    """The fiducials measured on the real head do not fit the program's within tolerance."""

    def __init__(self, residuals_mm: dict[str, float], tolerance_mm: float) -> None:
        self.residuals_mm = residuals_mm
        self.tolerance_mm = tolerance_mm
        worst = ", ".join(f"{k} {v:.2f} mm" for k, v in residuals_mm.items() if v > tolerance_mm)
        super().__init__(
            f"registration failed: fiducial residuals above the {tolerance_mm:g} mm tolerance: "
            f"{worst}; re-measure the fiducials (or re-scan the head) before running the program"
        )


class CatalogueError(SMPError):
    """A pigment catalogue cannot be read: malformed JSON, a wrong field, an unknown pigment."""

    def __init__(self, path: Path, field: str, reason: str) -> None:
        self.path = path
        self.field = field
        self.reason = reason
        super().__init__(f"pigment catalogue {path}: field '{field}': {reason}")
