"""What SMP does and does not do: the one vetted source of these statements.

Every statement a client reads about what scalp micropigmentation is, its limits and its
risks comes from here, each with its ``domain.md`` source. Other modules import these
strings; they never word such claims themselves. ``tests/test_client_text.py`` scans every
other client-facing string and template for the false claims listed in ``domain.md`` §1.2
and fails on any; a disclaimer that negates one of them is allowed here only.
"""

from dataclasses import dataclass

__all__ = ["SMP_DOES", "SMP_DOES_NOT", "SMP_LIMITS", "Statement", "client_facts_text"]


@dataclass(frozen=True, slots=True)
class Statement:
    """One vetted statement for clients.

    Parameters
    ----------
    text : str
        The statement, in plain words.
    source : str
        ``domain.md`` section and reference keys.
    """

    text: str
    source: str


SMP_DOES = (
    Statement(
        "Scalp micropigmentation (SMP) is a cosmetic tattoo: thousands of tiny pigment dots "
        "that look like closely shaved hair. It is a camouflage, not a treatment for hair "
        "loss.",
        "domain.md §1.1 [Rassman2015], [Park2014], [Nguyen2022]",
    ),
    Statement(
        "The pigment is placed in the upper layer of the dermis, just under the thin outer "
        "layer of the skin, where it stays.",
        "domain.md §1.1 [MicropigChapter], [Kim2008]",
    ),
    Statement(
        "It gives the look of fullness, but it is not real hair.",
        "domain.md §1.1 [RassmanBlog-SMP]",
    ),
)
"""What SMP is and does."""

SMP_DOES_NOT = (
    Statement(
        "SMP does not regrow hair, stimulate follicles or make hair healthier; no study shows "
        "any such effect.",
        "domain.md §1.2 [Rassman2015], [Park2014], [Liu2025]",
    ),
    Statement(
        "The pigment does not travel through the blood to the follicles. Part of any tattoo "
        "pigment is cleared from the skin to the lymph nodes in the first weeks; that is "
        "clearance, not delivery.",
        "domain.md §1.2 [Baumler2015], [Kupffer2017]",
    ),
    Statement(
        "The pigment does not go below the skin: it belongs in the upper dermis, and placing "
        "it deeper makes dots spread and turn blue-grey.",
        "domain.md §1.2 [MicropigChapter], [Kim2008]; §5.8",
    ),
)
"""Common false claims, each negated (allowed in this module only)."""

SMP_LIMITS = (
    Statement(
        "It suits a short, shaved or buzzed look; longer hair hides or contrasts with it.",
        "domain.md §8.3",
    ),
    Statement(
        "The dots fade over the years (sun speeds this up) and need a touch-up every few "
        "years, typically 2–6.",
        "domain.md §6.5 [Ink2Scalp], [RobJames-Years], [Ultrascalp]",
    ),
    Statement(
        "If your hair turns grey, dark dots may no longer match it.",
        "domain.md §6.5 [Rejuvenate-SMP]",
    ),
    Statement(
        "Pigment placed too deep, or too dark a shade, can turn blue-grey; removal by laser "
        "is possible but not guaranteed.",
        "domain.md §6.2; §1.3 [Wu2020], [Pak-RealSelf]",
    ),
    Statement(
        "It is usually built up over two to four sessions about two weeks apart.",
        "domain.md §5.3 [RealSelf-SMP], [Liu2025]",
    ),
)
"""Limits and commitments a client should know before agreeing."""


def client_facts_text() -> str:
    """The statements as a plain-text section, sources in brackets.

    Examples
    --------
    >>> client_facts_text().splitlines()[0]
    'What SMP is'
    """
    parts = []
    for title, statements in (
        ("What SMP is", SMP_DOES),
        ("What SMP is not", SMP_DOES_NOT),
        ("Limits to know", SMP_LIMITS),
    ):
        parts.append(title)
        parts += [f"  - {s.text} ({s.source})" for s in statements]
        parts.append("")
    return "\n".join(parts)
