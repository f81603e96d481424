"""A measure's timeline as an inline SVG picture: one lane per bill, its stages dated from filing
to now, the renumberings between lanes, and the day a note was written (drawing only)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from markupsafe import Markup, escape

from .data import BillTrack, StageStep, eastern_day

WIDTH = 760
LANE = 46
LEFT = 110
RIGHT = 20
TOP = 28
COLORS = {
    "filed": "#9aa5b1",
    "in_committee": "#7b8794",
    "reported_favorably": "#3e7cb1",
    "passed_house": "#2f6fb0",
    "passed_senate": "#2f6fb0",
    "passed_both": "#1f5f9f",
    "in_conference": "#6a4fb3",
    "enacted": "#2e8540",
    "signed": "#2e8540",
    "veto_overridden": "#2e8540",
    "vetoed": "#c0392b",
    "dead": "#5a5a5a",
    "replaced": "#a0a0a0",
    "sent_to_study": "#a0a0a0",
}


def timeline_svg(
    tracks: list[BillTrack], now: datetime, note_date: date | None = None, title: str = ""
) -> Markup:
    """The picture, every text escaped; an empty Markup when no bill has a dated stage."""
    lanes = [t for t in tracks if t.steps]
    if not lanes:
        return Markup("")
    start = min(s.date for t in lanes for s in t.steps)
    noted = datetime.combine(note_date, time(12), UTC) if note_date else None
    end = max(now, noted or now)
    if noted and noted < start:
        start = noted
    span = max((end - start).total_seconds(), 86400.0)

    def x(when: datetime) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (when - start).total_seconds() / span

    height = TOP + LANE * len(lanes) + 30
    label = f"Timeline of {title}" if title else "Timeline"
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    row_of = {(t.court, t.number): i for i, t in enumerate(lanes)}
    for index, track in enumerate(lanes):
        y = TOP + LANE * index + 14
        role = " (companion)" if track.role == "companion" else ""
        parts.append(
            f'<text x="4" y="{y + 4}" class="lane">{escape(track.number)} ({track.court})'
            f"{escape(role)}</text>"
        )
        steps = by_day(list(track.steps))
        for i, step in enumerate(steps):
            until = steps[i + 1].date if i + 1 < len(steps) else now
            color = COLORS.get(step.stage, "#7b8794")
            x0, x1 = x(step.date), max(x(until), x(step.date) + 2)
            parts.append(
                f'<rect x="{x0:.1f}" y="{y - 5}" width="{x1 - x0:.1f}" height="10" '
                f'fill="{color}"><title>{escape(step.stage)} from {eastern_day(step.date)}'
                f"{': ' + escape(step.action) if step.action else ''}</title></rect>"
            )
            parts.append(f'<circle cx="{x0:.1f}" cy="{y}" r="4" fill="{color}"/>')
            anchor = "end" if x0 > WIDTH - 120 else "start"
            parts.append(
                f'<text x="{x0:.1f}" y="{y + (16 if i % 2 else -9)}" text-anchor="{anchor}" '
                f'class="step">{escape(step.stage)} {eastern_day(step.date)}</text>'
            )
        for link in track.links:
            target = row_of.get((link.court, link.number))
            if target is None or target == index:
                continue
            ty = TOP + LANE * target + 14
            at = x(link.since) if link.since else x(steps[-1].date)
            parts.append(
                f'<line x1="{at:.1f}" y1="{y}" x2="{at:.1f}" y2="{ty}" class="link">'
                f"<title>{escape(link.type)} {escape(link.number)} ({link.court})</title></line>"
            )
    if noted:
        nx = x(noted)
        parts.append(
            f'<line x1="{nx:.1f}" y1="{TOP - 12}" x2="{nx:.1f}" y2="{height - 18}" class="note"/>'
        )
        parts.append(
            f'<text x="{nx:.1f}" y="{height - 4}" text-anchor="middle" class="note">'
            f"note written {note_date.isoformat() if note_date else ''}</text>"
        )
    parts.append(
        f'<text x="{WIDTH - RIGHT}" y="12" text-anchor="end" class="step">now '
        f"{eastern_day(now)}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def by_day(steps: list[StageStep]) -> list[StageStep]:
    """One step per Eastern day, the day's last (a bill read a second time and passed the same
    day shows as passed): the picture's labels would overlap otherwise."""
    kept: list[StageStep] = []
    for step in steps:
        if kept and eastern_day(kept[-1].date) == eastern_day(step.date):
            kept[-1] = step
        else:
            kept.append(step)
    return kept
