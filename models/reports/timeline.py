"""Each measure's timeline: its bills as status gathers them, each with its stages over time and
the relations that carried the proposal from one number to the next (for the review page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from models.config import Config
from models.legislature.numbers import BillRef
from models.legislature.stages import StageStep, stage_steps
from models.reports.status import GATHERED, gather
from models.storage.records import RelationView, StoredBills


@dataclass(frozen=True)
class BillTrack:
    """One bill of a measure on its timeline: its stage steps and its links to the others."""

    court: int
    number: str
    role: str  # bill, companion, lineage
    steps: tuple[StageStep, ...]
    links: tuple[RelationView, ...]  # renumberings and versions (status's GATHERED relations)


def measure_timelines(
    session: Session, config: Config, now: datetime, stored: StoredBills | None = None
) -> dict[str, list[BillTrack]]:
    """Per configured measure, the tracks of its stored bills, in the order status lists them
    (`stored`: the bills already loaded by the caller in this session)."""
    stored = StoredBills.load(session) if stored is None else stored
    found: dict[str, list[BillTrack]] = {}
    for measure in config.measures:
        tracks = []
        for status in gather(stored, measure, now):
            bill = stored.find(BillRef(status.court, status.number))
            if bill is None:
                continue
            links = tuple(r for r in status.relations if r.type in GATHERED)
            steps = tuple(stage_steps(stored.actions(bill), bill.court, now))
            tracks.append(BillTrack(bill.court, bill.number, status.role, steps, links))
        found[measure.name] = tracks
    return found
