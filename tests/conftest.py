"""Shared fixtures: real photos, and one full plan run on the bundled example."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from smpstudio.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "d000616"
TEST_PHOTOS = ROOT / "tests" / "data" / "photos"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def example_plan_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example run end to end through the CLI (seed 7), shared by tests."""
    out = tmp_path_factory.mktemp("plan") / "d000616"
    result = CliRunner().invoke(app, ["plan", str(EXAMPLE), "--out", str(out), "--seed", "7"])
    assert result.exit_code == 0, result.output
    return out
