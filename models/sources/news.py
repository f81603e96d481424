"""News entries: what storage needs of one, and which tracked subjects its text cites."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from models.config import Config
from models.legislature.numbers import BillRef
from models.notes.references import find_references, resolve_bill


class EntryData(Protocol):
    """What storage needs of a kept feed entry (crawler items satisfy it)."""

    @property
    def key(self) -> str: ...
    @property
    def feed(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def published(self) -> datetime | None: ...
    @property
    def summary(self) -> str: ...
    @property
    def subjects(self) -> Sequence[str]: ...
    @property
    def keywords(self) -> Sequence[str]: ...


def subjects_in(
    text: str, config: Config, known: Collection[BillRef], on: date | None
) -> list[str]:
    """The subject keys a text cites, as notes name them: `194:H.5316`, a measure, `EO 650`.

    A configured bill brings its measure's name along, so news of S.3072 reaches a note that
    cites the PROTECT Act."""
    aliases = {m.name: list(m.aliases) for m in config.measures}
    tracked = set(config.tracked_bills()) | set(known)
    measure_of = {ref: m.name for m in config.measures for ref in m.bills}
    keys: dict[str, None] = {}
    for ref in find_references(text, aliases):
        if ref.kind == "order" and ref.order is not None:
            keys[f"EO {ref.order}"] = None
        elif ref.kind == "measure" and ref.measure:
            keys[ref.measure] = None
        else:
            bill = resolve_bill(ref, tracked, on)
            if bill is not None:
                keys[bill.key] = None
                if bill in measure_of:  # news of a bill is news of its measure
                    keys[measure_of[bill]] = None
    return list(keys)
