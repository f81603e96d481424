"""Dates in text, and the date a note's own text gives itself: where it was written, and how."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

_MONTHS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
# Every pattern names its groups m (month), d (day), y (year). Not \b: "_May 2, 2026_" is a date.
_FULL_DATES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # Apr 12, 2026; 12 April 2026; 2026-04-12; 4/12/2026 (US order)
        rf"(?<![a-z])(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})(?!\d)",
        rf"(?<!\d)(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})(?!\d)",
        r"(?<![\d/.-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)",
        r"(?<![\d/.-])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?![\d/])",
    )
)
_MONTH_DATES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"(?<![a-z])(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})(?!\d)",  # March 2026
        r"(?<![\d/.-])(?P<y>\d{4})-(?P<m>\d{2})(?![\d/-])",  # 2026-03
    )
)
# The forms written with "-" or "/" (2026-04-12, 4/12/2026, 2026-03).
_NUMERIC = frozenset((_FULL_DATES[2], _FULL_DATES[3], _MONTH_DATES[1]))
# A month and day without a year, as update lines write them: "Feb. 9", "February 9th", "9 Feb".
_MONTH_DAY = re.compile(
    rf"(?:(?<![a-z])(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD}"
    rf"|(?<!\d)(?P<d2>\d{{1,2}}){_ORD}\s+(?P<m2>{_MONTH}))(?![\w,]*\s*,?\s*\d{{4}})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    """A date written in a text, and where: [start, end) are offsets in that text."""

    day: date
    start: int
    end: int
    month_only: bool  # the text gave a month and year only: `day` is the first of that month


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _MONTHS[text.lower().rstrip(".")[:3]]


def find_dates(text: str, month_year: bool = True) -> list[FoundDate]:
    """Every date in `text`, in order, not overlapping.

    Full dates: `Apr 12, 2026`, `April 12, 2026`, `12 April 2026`, `2026-04-12`, `4/12/2026` (US
    order, month first). With `month_year`, also `March 2026` and `2026-03`, read as the first day
    of the month. Impossible dates (`2026-02-30`) are skipped.
    """
    found: list[FoundDate] = []
    numeric = "-" in text or "/" in text  # the numeric forms cannot match without one
    for patterns, month_only in ((_FULL_DATES, False), (_MONTH_DATES, True)):
        if month_only and not month_year:
            continue
        for pattern in patterns:
            if pattern in _NUMERIC and not numeric:
                continue
            for match in pattern.finditer(text):
                day = int(match.group("d")) if not month_only else 1
                try:
                    value = date(int(match.group("y")), _month(match.group("m")), day)
                except ValueError:
                    continue
                found.append(FoundDate(value, match.start(), match.end(), month_only))
    found.sort(key=lambda f: (f.start, f.start - f.end))  # leftmost, then longest
    chosen: list[FoundDate] = []
    for item in found:
        if not chosen or item.start >= chosen[-1].end:
            chosen.append(item)
    return chosen


def parse_note_date(text: str) -> date | None:
    """The first full date in `text` (forms as in find_dates); else its first month-year as the
    first day of that month; else None."""
    found = find_dates(text)
    full = [f for f in found if not f.month_only]
    if full:
        return full[0].day
    return found[0].day if found else None


# ---------------------------------------------------------------------------------------------
# The date a text gives itself


@dataclass(frozen=True)
class TextDate:
    """A date that dates the text, with how it was written: `kind` (see KINDS), the line number
    in the text (1-based) and the words read there."""

    day: date
    kind: str
    line: int
    words: str

    def describe(self) -> str:
        """`the byline (line 5: "Jane Doe | Feb 9, 2026")`, for `notes show` and findings."""
        return f'{KINDS[self.kind]} (line {self.line}: "{self.words}")'


# Publication dates, in the order of preference (the first kind found wins); then updates.
KINDS: dict[str, str] = {
    "html": "a date tag of a pasted web page",
    "field": "a date field",
    "byline": "the byline",
    "dateline": "the dateline",
    "release": "a press-release header",
    "header": "a date line at the top",
    "source_url": "the date in a Source: URL",
    "updated": 'a "Last updated:" line',
    "update": "an update line",
    "html_modified": "a modified-date tag of a pasted web page",
}
PUBLISHED_KINDS = ("html", "field", "byline", "dateline", "release", "header", "source_url")
UPDATE_KINDS = ("updated", "update", "html_modified")


@dataclass(frozen=True)
class TextDating:
    """Every date that dates a text: its publication date (by preference) and its updates.
    `best` is the latest update when it is after the publication date, else the latter."""

    published: TextDate | None
    updates: tuple[TextDate, ...]

    @property
    def best(self) -> TextDate | None:
        latest = max(self.updates, key=lambda d: d.day, default=None)
        if latest is None or (self.published and self.published.day >= latest.day):
            return self.published
        return latest


_DIGIT = re.compile(r"\d")
# The labels that may open a dating line anywhere in a text (update lines, fields, Source:).
_LABEL = re.compile(
    r"^[\s>*_•#-]*(?:last|update|correction|clarification|editor|date|issued|release|publication"
    r"|published|posted|first|originally|source|url|link|via|read|canonical|for[ \t]+immediate)",
    re.IGNORECASE,
)
_HEADER_LINES = 15  # bylines and bare date lines count only this near the top (non-empty lines)
_DATELINE_LINES = 25
_MAX_WORDS_SHOWN = 100
_DECOR = " \t>*_#"  # quoting and emphasis around a line: "> **Published:** ..."
_BULLET = re.compile(r"^[ \t>]*(?:[-*+•·▪‣◦]|\d{1,3}[.)])[ \t]+")
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?[ \t]+)?"
_TIME = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?m\.?|p\.?m\.?)(?:\s*(?:e[sd]?t|eastern))?|\b\d{1,2}:\d{2}\b"
    r"|\bT\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)
# A "Last updated:" line: the label opens the line (after bullets, quotes, emphasis) and the date
# follows it at once (an optional weekday, "on", emphasis markers and a colon may come between).
_UPDATED_LINE = re.compile(
    r"^[\s>*_•\-]*(?:last[ \t]+updated|updated|last[ \t]+reviewed|last[ \t]+modified)"
    r"[ \t*_]*:?[ \t*_]*(?:on[ \t]+)?" + _WEEKDAY + r"(?P<rest>.*)$",
    re.IGNORECASE,
)
# "Update (Feb. 9): ...", "UPDATE, Feb. 9, 2026 —", "Correction [2/10/2026]:", "Editor's note
# (Feb. 10):": a label, then at once a date (a month and day takes the publication's year).
_UPDATE_LINE = re.compile(
    r"^[\s>*_]*(?:update[ds]?|correction|clarification|editor[’']?s[ \t]+note)"
    r"[ \t*_]*(?:[(\[,:—–-]|on\b)?[ \t*_]*" + _WEEKDAY + r"(?P<rest>.*)$",
    re.IGNORECASE,
)
# "Date: 01/29/2026", "Published: ...", "Posted on March 2, 2026", "Issued: ...": a label opening a
# line; the short labels need their colon ("Released January 30 ..." may be a sentence).
_FIELD = re.compile(
    r"^[\s>*_]*(?:(?:date|dated|issued|released|release[ \t]+date|publication[ \t]+date)"
    r"[ \t*_]*:|(?:(?:first|originally)[ \t]+)?(?:published|posted)(?:[ \t]+on)?[ \t*_]*:?)"
    r"[ \t*_]*" + _WEEKDAY + r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_RELEASE = re.compile(r"^[\s*_#]*for[ \t]+immediate[ \t]+release\b[ \t*_:—–-]*(?P<rest>.*)$", re.I)
# "BOSTON (January 30, 2025) —", "BOSTON, Mass., Jan. 30, 2025 —", "Springfield — 1/30/2025 —"
_DATELINE = re.compile(
    r"^[\s*_]*[A-Z][A-Za-z.'’ -]{1,40}?(?:,[ \t]*[A-Z][A-Za-z.]{1,15})?[ \t]*"
    r"(?:\(|,|—|–|-{1,2})[ \t]*(?P<date>[^()—–]{6,40}?)[ \t]*\)?[ \t]*(?:—|–|\s-{1,2}|:)"
)
_HTML_PUBLISHED = re.compile(
    r"<time\b[^>]*\bdatetime\s*=\s*[\"']?(?P<a>[^\"'\s>]+)"
    r"|<meta\b[^>]*(?:property|name|itemprop)\s*=\s*[\"']?(?:article:published_time|og:published_time"
    r"|datePublished|pubdate|publish[_-]?date|date|dc\.date(?:\.issued)?|sailthru\.date"
    r"|parsely-pub-date)(?=[\"'\s>])[\"']?[^>]*\bcontent\s*=\s*[\"']?(?P<b>[^\"'>]+)"
    r"|\"datePublished\"\s*:\s*\"(?P<c>[^\"]+)\"",
    re.IGNORECASE,
)
_HTML_MODIFIED = re.compile(
    r"<meta\b[^>]*(?:property|name|itemprop)\s*=\s*[\"']?(?:article:modified_time|og:updated_time"
    r"|dateModified|last-modified)(?=[\"'\s>])[\"']?[^>]*\bcontent\s*=\s*[\"']?(?P<b>[^\"'>]+)"
    r"|\"dateModified\"\s*:\s*\"(?P<c>[^\"]+)\"",
    re.IGNORECASE,
)
_SOURCE_LINE = re.compile(
    r"^[\s>*_•-]*(?:sources?|originally[ \t]+published(?:[ \t]+(?:at|in|by))?|url|link|via"
    r"|read[ \t]+(?:it|more)[ \t]+at|canonical)\b[^:\n]{0,40}:?.*?(?P<url>https?://\S+)",
    re.IGNORECASE,
)
_URL_DATE = re.compile(
    r"/(?P<y>20\d{2})/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?:/|$|[^\d])"
    r"|/(?P<y2>20\d{2})-(?P<m2>[01]\d)-(?P<d2>[0-3]\d)(?!\d)"
)
# Words a byline may hold besides the names: "By", "and", a time, an outlet's small words.
_BYLINE_SMALL = frozenset(
    {"by", "and", "of", "the", "de", "la", "van", "von", "der", "for", "at", "on", "with",
     "a.m.", "p.m.", "am", "pm", "et", "est", "edt", "published", "updated", "staff"}
)  # fmt: skip


def text_dating(body: str) -> TextDating:
    """Every date that dates `body`, read from lines of the forms that date a text.

    Publication dates, in the order of preference (the first kind found wins, the first of a kind
    in the text): a date tag of a pasted web page (`<time datetime=...>`, `<meta
    property="article:published_time" ...>`, JSON-LD `datePublished`); a date field (`Date:`,
    `Published:`, `Posted on`, `Issued:`, ... opening a line that is not a bullet); a byline
    (`Jane Doe | Feb. 9, 2026`, `By Jane Doe, February 9, 2026`; names, a separator and a date on
    a line of their own, in the first 15 lines); a dateline (`BOSTON (January 30, 2025) —`); a
    press-release header (`For Immediate Release`, then a line opening with a date); a line that
    is only a date, in the first 15 lines; a date in a `Source:` line's URL (`/2026/05/24/`).
    Updates: "Last updated:" / "Updated:" / "Last reviewed:" lines, update lines (`Update (Feb.
    9): ...`, `Correction, 2/10/2026:`; a month and day take the publication's year, or the next
    one if that would come before it), and modified-date tags. A date inside a sentence ("the
    hearing on Nov 25, 2025") dates nothing.
    """
    lines = body.split("\n")
    found: dict[str, list[TextDate]] = {}
    nonempty = 0
    pending_updates: list[tuple[int, str, str]] = []  # (line, rest, words): month-day, no year
    release_at: int | None = None

    def add(kind: str, day: date, number: int, line: str) -> None:
        found.setdefault(kind, []).append(TextDate(day, kind, number, _shown(line)))

    for index, raw in enumerate(lines):
        number = index + 1
        line = raw.strip()
        if not line:
            continue
        nonempty += 1
        if not _DIGIT.search(line):  # no date on it: only a press-release header can matter
            if _RELEASE.match(raw):
                release_at = index
            continue
        near_release = release_at is not None and index - release_at <= 4
        tagged = "<" in line or '"date' in line
        labelled = _LABEL.match(raw) is not None
        if nonempty > _DATELINE_LINES and not (near_release or tagged or labelled):
            continue  # prose below the top: only labelled lines and tags can date the text
        bullet = _BULLET.match(raw) is not None
        if tagged:
            for pattern, kind in ((_HTML_PUBLISHED, "html"), (_HTML_MODIFIED, "html_modified")):
                for match in pattern.finditer(raw):
                    value = match.group("c") or match.group("b") or match.groupdict().get("a")
                    if day := _html_date(value or ""):
                        add(kind, day, number, line)
        if labelled or near_release:
            updated = _UPDATED_LINE.match(raw)
            if updated and (day := _leading_date(updated.group("rest"), month_year=True)):
                add("updated", day, number, line)
                continue
            update = _UPDATE_LINE.match(raw)
            if update:
                rest = update.group("rest")
                day = _leading_date(rest)
                if day:
                    add("update", day, number, line)
                    continue
                if _MONTH_DAY.match(rest):
                    pending_updates.append((number, rest, _shown(line)))
                    continue
            field = _FIELD.match(raw)
            if field and not bullet and (day := _leading_date(field.group("rest"))):
                add("field", day, number, line)
                continue
            release = _RELEASE.match(raw)
            if release:
                if day := _leading_date(release.group("rest")):
                    add("release", day, number, line)
                else:
                    release_at = index
                continue
            if near_release:
                opening = re.sub(r"^" + _WEEKDAY, "", line.strip(_DECOR), flags=re.IGNORECASE)
                if (day := _leading_date(opening)) and len(line) <= 80:
                    add("release", day, number, line)
                    release_at = None
                    continue
            source = _SOURCE_LINE.match(raw)
            if source and (day := _url_date(source.group("url"))):
                add("source_url", day, number, line)
        if not bullet and nonempty <= _DATELINE_LINES:
            dateline = _DATELINE.match(line)
            if dateline and (day := _whole_date(dateline.group("date"))):
                add("dateline", day, number, line)
                continue
        if not bullet and nonempty <= _HEADER_LINES and not line.startswith("|"):
            kind_day = _byline(line.strip(_DECOR))
            if kind_day:
                add(*kind_day, number, line)
    published = next((found[k][0] for k in PUBLISHED_KINDS if found.get(k)), None)
    updates = [d for k in UPDATE_KINDS for d in found.get(k, [])]
    anchor = published or min(updates, key=lambda d: d.day, default=None)
    for number, rest, words in pending_updates:
        if anchor is not None and (day := _month_day(rest, anchor.day)):
            updates.append(TextDate(day, "update", number, words))
    return TextDating(published, tuple(sorted(updates, key=lambda d: d.line)))


def _shown(line: str) -> str:
    line = " ".join(line.split())
    return line if len(line) <= _MAX_WORDS_SHOWN else line[: _MAX_WORDS_SHOWN - 1] + "…"


def _leading_date(text: str, month_year: bool = False) -> date | None:
    """A full date (or with `month_year` a month) opening `text`, after emphasis and brackets."""
    text = text.lstrip(" \t*_([")
    found = find_dates(text, month_year=month_year)
    return found[0].day if found and found[0].start == 0 else None


def _whole_date(text: str) -> date | None:
    """`text` is a full date (with an optional weekday and time) and nothing else."""
    text = _TIME.sub("", text).strip(" \t,.;*_")
    text = re.sub(r"^" + _WEEKDAY, "", text, flags=re.IGNORECASE)
    found = find_dates(text, month_year=False)
    if len(found) == 1 and found[0].start == 0 and not text[found[0].end :].strip(" .,"):
        return found[0].day
    return None


def _month_day(text: str, anchor: date) -> date | None:
    """A month and day opening `text`, in the year of `anchor` (the next year if before it)."""
    match = _MONTH_DAY.match(text.lstrip(" \t*_(["))
    if not match:
        return None
    month = _month(match.group("m") or match.group("m2"))
    day = int(match.group("d") or match.group("d2"))
    for year in (anchor.year, anchor.year + 1):
        try:
            value = date(year, month, day)
        except ValueError:
            return None
        if value >= anchor:
            return value
    return None


def _html_date(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return parse_note_date(value) if find_dates(value, month_year=False) else None


def _url_date(url: str) -> date | None:
    match = _URL_DATE.search(url)
    if not match:
        return None
    year, month, day = (match.group("y"), match.group("m"), match.group("d"))
    if year is None:
        year, month, day = match.group("y2"), match.group("m2"), match.group("d2")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _byline(line: str) -> tuple[str, date] | None:
    """("byline", day) for `Jane Doe | Feb. 9, 2026` / `By Jane Doe, Feb 9, 2026 3:15 PM`;
    ("header", day) for a line that is only a date; else None."""
    if len(line) > 120:
        return None
    found = find_dates(line, month_year=False)
    if len(found) != 1:
        return None
    only = _whole_date(line)
    if only is not None:
        return "header", only
    rest = _TIME.sub(" ", line[: found[0].start] + " | " + line[found[0].end :])
    parts = [p.strip(" ,.") for p in re.split(r"[|·•—–]|\s-\s|,", rest)]
    parts = [p for p in parts if p]
    separated = bool(re.search(r"[|·•—–]|\s-\s", line)) or line.lower().startswith("by ")
    if not parts or not separated:
        return None
    tokens = [t for p in parts for t in p.split()]
    if not 1 <= len(tokens) <= 12:
        return None
    for token in tokens:
        if token.lower() in _BYLINE_SMALL or re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][\w.'’-]*", token):
            continue
        return None
    return "byline", found[0].day
