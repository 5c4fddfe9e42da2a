"""The labour record is still declared in several places: the ledger's headers (`data.ledger`),
the store's tables (`data.store`), the rows the importer writes (`data.importer`) and the frame
(`analytics.columns`). Until they derive from one declaration, they must name the same fields
with the same kinds of values: a column added to one and not the others fails here.
"""

from __future__ import annotations

import types
import typing

from analytics.columns import LABOUR_SCHEMA
from data import importer
from data.ledger import LABOUR
from data.store import Household, LabourRecord, Person

# Keys, not fields: which person, household and import batch a stored record belongs to.
_KEYS = ("id", "person_id", "household_id", "batch_id")
# A household's columns in the frame: its code, and its places by name where the store keeps ids.
_HOUSEHOLD_IN_FRAME = {
    "code": "household",
    "site_id": "site",
    "building_id": "building",
    "township_id": "township",
    "village_id": "village",
}


def _stored(model: type) -> dict[str, type]:
    """A table's fields and the Python type of their values (None stripped)."""
    kinds = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
            (annotation,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        kinds[name] = annotation
    return kinds


def test_the_frame_holds_the_stored_person_household_and_record() -> None:
    person = {c: t for c, t in _stored(Person).items() if c not in _KEYS}
    household = {
        _HOUSEHOLD_IN_FRAME.get(c, c): str if c in _HOUSEHOLD_IN_FRAME else t
        for c, t in _stored(Household).items()
        if c not in _KEYS
    }
    record = {c: t for c, t in _stored(LabourRecord).items() if c not in _KEYS}
    stored = person | household | record
    assert len(stored) == len(person) + len(household) + len(record)
    assert stored == {c: dtype.to_python() for c, dtype in LABOUR_SCHEMA.items()}


def test_the_importer_writes_every_stored_record_field() -> None:
    written = {c: dtype.to_python() for c, dtype in importer._LABOUR_RECORD.items()}
    assert written == {c: t for c, t in _stored(LabourRecord).items() if c != "id"}


def test_the_ledger_names_every_column_of_the_frame() -> None:
    # Its 户编号 is the frame's household code; the birth date is read from the ID number.
    from_ledger = {"household": "household_id"}
    read = {from_ledger.get(c, c) for c in LABOUR_SCHEMA if c != "birth_date"}
    assert read == {c.name for c in LABOUR.columns}
