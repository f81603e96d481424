"""Text from sources and notes made safe to show: no terminal control sequences, no Markdown or
HTML that acts, no endless error line."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, urlsplit

MAX_LINE = 500  # an error line longer than this is cut, saying how much was cut

# Whole escape sequences first (so their parameters do not stay behind as text): CSI (ESC [ ...),
# OSC (ESC ] ... BEL or ST, e.g. OSC 8 hyperlinks), DCS/SOS/PM/APC (ESC P/X/^/_ ... ST), the
# 8-bit CSI/OSC introducers, then any other two-character ESC sequence.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
# What remains that a terminal acts on or that reorders text: C0 controls but newline and tab,
# DEL, C1 controls, and the bidirectional formatting characters (LRM/RLM/ALM, embeddings,
# overrides, isolates: the "right-to-left override" that makes `gpj.exe` read `exe.jpg`).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with every terminal control sequence and control character removed (newlines and
    tabs kept): what a bill title, an action, a feed entry or a note may not do to a terminal."""
    if text.isprintable() or not (_SEQUENCES.search(text) or _CONTROLS.search(text)):
        return text
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


class SafeFormatter(logging.Formatter):
    """Log lines for a terminal: what a logged message quotes from a source cannot act on it."""

    def format(self, record: logging.LogRecord) -> str:
        return terminal_safe(super().format(record))


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """Safe text on one line (line breaks become spaces), cut to `limit` characters."""
    flat = " ".join(terminal_safe(text).split("\n")).replace("\t", " ")
    return cap(flat, limit)


def cap(text: str, limit: int = MAX_LINE) -> str:
    """`text` cut to `limit` characters, saying how many were cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit} more characters cut]"


def json_safe(document: str) -> str:
    """A JSON text with the characters `json.dumps(ensure_ascii=False)` lets through and a
    terminal acts on (C1 controls, bidirectional overrides) written as \\uXXXX escapes: the same
    JSON value, harmless on a terminal. (C0 controls are already escaped by json.dumps.)"""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


# ---------------------------------------------------------------------------------------------
# Markdown

# The characters that act in inline Markdown (GitHub's flavour), backslash-escaped: code, emphasis,
# strikethrough, link and image brackets, table pipes; `<`, `>`, `&` and `"` become entities so
# that no renderer sees a tag. (`!` and `(` act only after `[`, which is escaped.)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def md(text: str) -> str:
    """Text for a Markdown table cell or line: no control characters, no tags, no links, no
    emphasis, no line breaks; shown as written."""
    flat = one_line(text, limit=10_000)
    escaped = _MD_SPECIAL.sub(r"\\\1", flat)
    return "".join(_HTML.get(char, char) for char in escaped)


def md_link(label: str, url: str | None) -> str:
    """`[label](url)` when `url` is an http(s) URL, else just the escaped label: a source cannot
    make a `javascript:` or `data:` link. The URL is percent-encoded where Markdown would end it."""
    if not url:
        return md(label)
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return md(label)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return md(label)
    target = quote(terminal_safe(url.strip()), safe="/:?&=#%@+,;~!$'*-._")
    target = target.replace("(", "%28").replace(")", "%29")
    return f"[{md(label)}]({target})"
