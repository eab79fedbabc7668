"""No false SMP claim anywhere in what the software shows or prints.

The claims of ``domain.md`` §1.2 — SMP regrows hair or stimulates follicles, pigment travels
through the blood, SMP makes hair healthier, pigment goes below the skin — may appear only
negated, and only in the one vetted module ``smpstudio/client_text.py``. Every other string
in the package (messages, reports, help, docstrings) and every text file it ships
(catalogues, schemas, templates) is scanned.
"""

import ast
import re
from pathlib import Path

import pytest

from smpstudio import client_text

SRC = Path(__file__).resolve().parents[1] / "src" / "smpstudio"
VETTED = SRC / "client_text.py"
TEXT_SUFFIXES = {".json", ".txt", ".md", ".html", ".j2", ".jinja", ".csv", ".ics"}

FALSE_CLAIMS = {
    "regrowth": r"\bre-?grow|\bgrows?\s+(new\s+|more\s+|back\s+)?hair|hair\s+grows?\s+back",
    "stimulates follicles": r"\b(stimulat|promot|boost|encourag|activat|revitali[sz])\w*"
    r"\s+(\w+\s+){0,3}(hair|follic)",
    "pigment in the blood": r"\b(pigment|ink|particle)s?\b[^.]{0,80}\bblood"
    r"|\bblood[^.]{0,60}follic",
    "healthier hair": r"\bhealthier\b|\b(improv|strengthen|nourish|thicken)\w*\s+(\w+\s+){0,2}"
    r"(hair|follic|scalp health)",
    "pigment below the skin": r"\bsub-?dermal|\bhypoderm|\bsubcutaneous|"
    r"\b(below|beneath|under)\s+the\s+skin",
    "never fades": r"\bnever\s+fades?\b|\b(lasts|permanent)\s+forever\b",
}


def find_false_claims(text: str) -> list[str]:
    """Names of the false claims a text makes (negated or not)."""
    return [name for name, pattern in FALSE_CLAIMS.items() if re.search(pattern, text, re.I)]


def _strings(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
            out.append((node.lineno, "…".join(str(p) for p in parts)))
    return out


def _client_facing_texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted(SRC.rglob("*")):
        if path == VETTED or "__pycache__" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py":
            texts += [(f"{path.relative_to(SRC)}:{line}", s) for line, s in _strings(path)]
        elif path.suffix in TEXT_SUFFIXES:
            texts.append((str(path.relative_to(SRC)), path.read_text(encoding="utf-8")))
    return texts


def test_no_false_claim_outside_the_vetted_module() -> None:
    texts = _client_facing_texts()
    assert len(texts) > 1000  # the scan reaches the whole package
    offending = [
        (where, find_false_claims(text)) for where, text in texts if find_false_claims(text)
    ]
    assert offending == []


@pytest.mark.parametrize(
    "text",
    [
        "SMP regrows hair.",
        "Our treatment can stimulate your hair follicles.",
        "The needle may help promote hair to grow.",
        "Pigment travels through the bloodstream to the follicles.",
        "Enjoy healthier hair after three sessions.",
        "Ink is placed below the skin.",
        "A sub-dermal technique.",
        "The pigment never fades.",
        "SMP does not regrow hair",  # a disclaimer is allowed only in the vetted module
    ],
)
def test_the_scan_catches_the_claims(text: str) -> None:
    assert find_false_claims(text)


def test_vetted_module_states_the_facts_and_negates_each_claim() -> None:
    negated = " ".join(s.text for s in client_text.SMP_DOES_NOT)
    assert set(find_false_claims(negated)) >= {
        "regrowth",
        "stimulates follicles",
        "pigment in the blood",
        "healthier hair",
        "pigment below the skin",
    }
    for s in client_text.SMP_DOES_NOT:
        assert re.search(r"\b(does not|not|no)\b", s.text)
    for s in (*client_text.SMP_DOES, *client_text.SMP_LIMITS):
        assert find_false_claims(s.text) == [], s.text
    for s in (*client_text.SMP_DOES, *client_text.SMP_DOES_NOT, *client_text.SMP_LIMITS):
        assert s.source.startswith("domain.md §")
    text = client_text.client_facts_text()
    assert "cosmetic tattoo" in text and "not a treatment for hair loss" in text
