"""One-way data flow between stages, and the public API inventory."""

import ast
import importlib
import json
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "smpstudio"
INVENTORY = Path(__file__).resolve().parent / "api_inventory.json"

# Each package may import only packages to its left (and shared modules).
ORDER = [
    "core",
    "analysis",
    "head",
    "design",
    "pattern",
    "pigment",
    "sessions",
    "render",
    "program",
]
SHARED = {"_typing", "_validation", "errors", "domain", "client_text"}
EDGE = {"workflow", "cli"}
FILE_OR_NETWORK_MODULES = {"sqlalchemy", "requests", "httpx", "urllib", "socket", "fastapi"}


def _smp_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("package", ORDER)
def test_no_stage_imports_a_later_stage_or_the_edge(package: str) -> None:
    allowed = set(ORDER[: ORDER.index(package) + 1])
    for path in (SRC / package).rglob("*.py"):
        for name in _smp_imports(path):
            top = name.split(".")[0]
            assert top not in FILE_OR_NETWORK_MODULES, f"{path}: imports {name}"
            if top != "smpstudio" or name == "smpstudio":
                continue
            part = name.split(".")[1]
            assert part not in EDGE, f"{path}: imports the edge module {name}"
            if part in SHARED:
                continue
            # render and program both follow sessions and do not depend on each other
            assert part in allowed and not (package == "program" and part == "render"), (
                f"{path}: stage '{package}' imports '{part}', which comes later"
            )


def test_the_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from smpstudio.program import build_program\n")
    assert "smpstudio.program" in _smp_imports(bad)


def test_public_api_matches_the_inventory() -> None:
    inventory = json.loads(INVENTORY.read_text())
    actual = {
        name: sorted(importlib.import_module(f"smpstudio.{name}").__all__)
        for name in [*ORDER, "errors", "domain", "client_text", "workflow"]
    }
    assert actual == inventory, (
        "the public API changed: update tests/api_inventory.json in the same change"
    )


def test_test_functions_are_named_test() -> None:
    for path in Path(__file__).parent.rglob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and "test" in node.name:
                assert node.name.startswith("test_"), f"{path}: {node.name}"
