"""The pigment catalogue: pigments and lots as data (``catalogue.json``), not code.

A catalogue file lists pigments (name, maker, stock colour in CIELAB, C.I. numbers,
composition) and lots (lot number, expiry date). Records rules ask for the lot of every
pigment used on a client (``domain.md`` §8.3 [NJ-827], [NEHA-Code]); the sessions stage
takes a lot that has not expired on the session's last possible day.
"""

import datetime as dt
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from smpstudio.errors import CatalogueError

BUNDLED_CATALOGUE = "catalogue.json"
"""File name of the example catalogue shipped in this package."""


@dataclass(frozen=True, slots=True)
class Pigment:
    """One pigment product.

    Parameters
    ----------
    pigment_id : str
        Identifier used in plans (lower case, digits, dashes).
    name, maker : str
        Product name and maker.
    base_lab : tuple of float
        Colour of the undiluted stock (masstone), CIELAB D65.
    base_lab_source : str
        Where ``base_lab`` comes from (a measurement, or "unsourced").
    ci_numbers : tuple of str
        Colour Index numbers of its colorants (``domain.md`` §6.1).
    composition : str
        Composition as the label states it.
    notes : str
        Anything else the practitioner should know.
    """

    pigment_id: str
    name: str
    maker: str
    base_lab: tuple[float, float, float]
    base_lab_source: str
    ci_numbers: tuple[str, ...]
    composition: str
    notes: str = ""


@dataclass(frozen=True, slots=True)
class PigmentLot:
    """One lot (batch) of a pigment on the shelf.

    Parameters
    ----------
    pigment_id : str
        The pigment it is a lot of.
    lot : str
        Lot (batch) number printed on the container.
    expires : datetime.date
        Last day of use.
    """

    pigment_id: str
    lot: str
    expires: dt.date


@dataclass(frozen=True, slots=True)
class PigmentCatalogue:
    """Pigments and their lots.

    Parameters
    ----------
    pigments : tuple of Pigment
        The products, ids unique.
    lots : tuple of PigmentLot
        The lots, each of a listed pigment.
    source : str
        Where the catalogue was read from.
    """

    pigments: tuple[Pigment, ...]
    lots: tuple[PigmentLot, ...]
    source: str

    def pigment(self, pigment_id: str) -> Pigment:
        """The pigment with this id.

        Raises
        ------
        KeyError
            If no pigment has this id.
        """
        for p in self.pigments:
            if p.pigment_id == pigment_id:
                return p
        known = ", ".join(p.pigment_id for p in self.pigments)
        raise KeyError(f"no pigment '{pigment_id}' in {self.source} (has: {known})")

    def usable_lot(self, pigment_id: str, on: dt.date) -> PigmentLot | None:
        """The lot of a pigment that expires last, if it is still good on ``on``.

        Parameters
        ----------
        pigment_id : str
            The pigment.
        on : datetime.date
            The day it will be used.

        Returns
        -------
        PigmentLot or None
            None where every lot of the pigment expires before ``on`` (or it has none).
        """
        lots = [lot for lot in self.lots if lot.pigment_id == pigment_id and lot.expires >= on]
        return max(lots, key=lambda lot: lot.expires, default=None)


def catalogue_schema() -> dict[str, Any]:
    """The JSON Schema of a catalogue file (draft 2020-12)."""
    text = resources.files("smpstudio.pigment").joinpath("catalogue.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_catalogue(path: Path | None = None) -> PigmentCatalogue:
    """Read and check a pigment catalogue.

    Parameters
    ----------
    path : Path, optional
        A catalogue JSON file; default the example catalogue shipped with the package.

    Returns
    -------
    PigmentCatalogue
        The pigments and lots.

    Raises
    ------
    CatalogueError
        If the file is missing, not JSON, breaks the schema, repeats a pigment id or lists
        a lot of an unknown pigment; the message names the field.
    """
    if path is None:
        resource = resources.files("smpstudio.pigment").joinpath(BUNDLED_CATALOGUE)
        text, where = resource.read_text(), Path(f"<bundled {BUNDLED_CATALOGUE}>")
    else:
        if not path.is_file():
            raise CatalogueError(path, "<document>", "no such file")
        try:
            text, where = path.read_bytes().decode("utf-8"), path
        except UnicodeDecodeError as exc:
            raise CatalogueError(path, "<document>", f"not UTF-8 text ({exc.reason})") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogueError(
            where, "<document>", f"malformed JSON at line {exc.lineno} column {exc.colno}"
        ) from exc
    errors = sorted(
        jsonschema.Draft202012Validator(catalogue_schema()).iter_errors(doc),
        key=lambda e: e.json_path,
    )
    if errors:
        raise CatalogueError(where, errors[0].json_path, errors[0].message)
    pigments = tuple(
        Pigment(
            pigment_id=p["id"],
            name=p["name"],
            maker=p["maker"],
            base_lab=(p["base_lab"][0], p["base_lab"][1], p["base_lab"][2]),
            base_lab_source=p["base_lab_source"],
            ci_numbers=tuple(p["ci_numbers"]),
            composition=p["composition"],
            notes=p.get("notes", ""),
        )
        for p in doc["pigments"]
    )
    ids = [p.pigment_id for p in pigments]
    for k, pid in enumerate(ids):
        if pid in ids[:k]:
            raise CatalogueError(where, f"$.pigments[{k}].id", f"'{pid}' is listed twice")
    lots = []
    for k, lot in enumerate(doc["lots"]):
        if lot["pigment"] not in ids:
            raise CatalogueError(
                where, f"$.lots[{k}].pigment", f"no pigment '{lot['pigment']}' in this catalogue"
            )
        try:
            expires = dt.date.fromisoformat(lot["expires"])
        except ValueError as exc:
            raise CatalogueError(where, f"$.lots[{k}].expires", str(exc)) from exc
        lots.append(PigmentLot(lot["pigment"], lot["lot"], expires))
    return PigmentCatalogue(pigments, tuple(lots), str(where))
