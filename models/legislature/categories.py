"""History row categories: the wording rules that name the kind of each row of a bill's history."""

from __future__ import annotations

import re
from functools import lru_cache

_NUM = r"[HS]\.?\s*\d"

# Checked in order, first match wins: an override before a veto; "signed ... with line item vetoes"
# is signed; "Placed on file, in concurrence" is placed_on_file; "Reporting date extended ...,
# pending concurrence" is reporting_extended; "reported favorably ... and referred" is reported.
# Lineage rows keep names the lineage reader can rely on: `accompanied` (this bill was folded into
# the one named), `reported_by` (reported as the new bill named, e.g. out of conference),
# `reported_on` (this new bill reports on the one named), `replaced` (a new draft or another bill
# was substituted for this one), `substituted_for` (this bill was substituted for the one named),
# `new_draft_of` (this bill is a committee's new draft of those named), `amendment_text` (this
# document is the text of an amendment to the bill named), `version` (a reprint or amendment text
# named on a bill being amended).
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern, re.IGNORECASE))
    for category, pattern in (
        # Hearing rows name a room ("in Conference Room ...") and a committee: decide them first.
        ("hearing", r"^\s*(?:location changed - )?hearing\b"),
        ("reporting_extended", r"^\s*reporting date\b"),
        # A late filing admitted under the joint rules: reported by the Rules committees, then sent
        # to the committee that will hear it. The bill is in committee, not reported out of one.
        (
            "late_file_admitted",
            r"^\s*(?:referred\b[^;]*?,\s*)?reported,.*\brules suspended\b.*\breferred to\b",
        ),
        (
            "veto_overridden",
            r"\bover (?:the )?(?:governor's )?veto\b|notwithstanding the objection",
        ),
        ("veto_overridden", r"\bveto(?:es)? (?:was |were )?overridden\b|\boverrode\b"),
        (
            "signed",
            r"\b(?:signed|approved)(?: \(in part\))? by the governor\b|\bsigned \(in part\)"
            r"|\bsigned the remainder\b|\bwithout (?:the governor's )?signature",
        ),
        ("chapter", r"^\s*chapter\s+\d+\s+of\s+the\s+(?:acts|resolves)\s+of\s+\d{4}\b"),
        ("laid_before_governor", r"^\s*laid before the governor\b"),
        ("vetoed", r"\bveto(?:ed|es)?\b|with (?:his|her|the governor's) objections"),
        (
            "replaced",
            r"\baccompanied (?:a|the) new draft\b|\bnew draft(?: \([^)]*\))? substituted\b"
            r"|\bamended by substitution of a bill\b|\bsubstituted by a bill\b",
        ),
        ("sent_to_study", r"\bstudy order\b|\bsent to (?:a )?study\b"),
        ("accompanied_by", r"\baccompanied by\b"),
        ("accompanied", rf"^\s*(?:accompan(?:ied|ying)|consolidated with)\s+{_NUM}"),
        (
            "reported_by",
            rf"^\s*reported,?\s+(?:\(in part\)\s+|in part,?\s+)?(?:by\s+|see\s+)?{_NUM}",
        ),
        ("reported_on", rf"^\s*reported on (?:a part of )?{_NUM}"),
        ("substituted_for", rf"^\s*substitut(?:ed|e)\b.*\bfor\s+{_NUM}"),
        (
            "new_draft_of",
            rf"^\s*(?:pending )?new (?:draft|text)(?: \([^)]*\))? (?:of|for)\s+{_NUM}",
        ),
        (
            "amendment_text",
            r"^\s*recommended (?:\([^)]*\) )?new (?:draft|text)\b(?: \([^)]*\))?,?"
            rf"(?: on the residue,)? (?:of|for)\s+{_NUM}"
            r"|^\s*text of (?:an? |the )?(?:further |house adopted |senate |house )?amendments?\b"
            r"|^\s*duplicate of text of\b"
            r"|\bas an amendment to\s+(?:the )?(?:house |senate )?(?:bill,?\s+)?"
            rf"(?:no\.?\s*)?{_NUM}",
        ),
        (
            "version",
            rf"^\s*text of {_NUM}\d*,? (?:re)?printed,? as amended"
            rf"|^\s*{_NUM}\d*,? published,? as amended"
            r"|\b(?:re)?printed,? as amended,? (?:see )?[HS]|\bpublished,? as amended,? see\b"
            r"|\bfor text of\b|\bfor text,? see\b"
            rf"|\bamendment \({_NUM}\d*\) pending|\bpending amendment for\b",
        ),
        (
            "cross_reference",
            rf"^\s*see\s+{_NUM}|^\s*for (?:message|senate actions|house actions|actions\b)"
            r"|^\s*also based on\b",
        ),
        ("no_further_action", r"\bno further action\b"),
        ("rejected", r"^\s*rejected\.?\s*$"),
        (
            "reported_unfavorably",
            r"^\s*proposal for constitutional amendment reported (?:adversely|unfavorably)",
        ),
        ("reported_favorably", r"^\s*proposal for constitutional amendment reported favorably"),
        ("joint_session", r"\bjoint session\b|^\s*proposal taken from the files\b"),
        ("placed_on_file", r"\bplaced on (?:the )?files?\b"),
        ("report_accepted", r"^\s*(?:report )?accepted\b"),
        ("conference_report", r"\bconference\b.*\breport|\breport.*\bconference\b"),
        ("conference", r"\bconference\b"),
        ("non_concurred", r"\bnon-?concur|\bdid not concur|\brefused to concur"),
        ("floor", r"\bconcurred\b.*\bwith a further amendment"),
        ("concurred_in_amendment", r"\bconcurred in\b.*\bamendment"),
        ("enacted", r"\benacted\b"),
        ("passed", r"\bpassed to be (?:re-?)?engrossed\b"),
        ("reporting_extended", r"\breporting date\b"),
        ("hearing", r"\bhearing\b"),
        ("reported_unfavorably", r"\bought not to pass\b|\badverse(?:ly)?\b|\bunfavorabl"),
        ("floor", r"^\s*reported from the committee on (?:house |senate )?bills in the third"),
        (
            "reported_favorably",
            r"reported favorably\b|\bought to (?:pass|be approved)\b|\bfavorable report\b"
            r"|^\s*reported (?:from|form) the (?:temporary |special joint )?committee\b",
        ),
        (
            "adopted",
            r"^\s*(?:(?:joint )?orders? |resolutions? |house |senate )?adopted\b"
            r"|^\s*reorganization plan approved\b",
        ),
        (
            "procedural",
            r"^\s*(?:further action )?postponed\b|^\s*laid aside\b|^\s*motion to\b"
            r"|^\s*point of order\b|^\s*rejection negatived\b|^\s*quorum\b"
            r"|^\s*taken out of the notice section\b|^\s*placed at the end of the calendar\b"
            r"|^\s*order considered\b"
            r"|^\s*read(?: for (?:its )?information)?(?: and returned)?\.?\s*$"
            r"|^\s*read; and sent to the (?:house|senate) for its information\b"
            r"|^\s*spread upon the records\b"
            r"|^\s*(?:house|senate) receded from its (?:action|reference)"
            r"|\b(?:transmitted to|returned from) the secretary of state\b",
        ),
        ("recommitted", r"\brecommitted\b"),
        (
            "floor",
            r"\borders of the day\b|\b(?:read|red) (?:a )?(?:second|third)\b"
            r"|\b(?:second|third) reading\b|\brules? su\w*\b|\bsuspended\b|\bemergency preamble\b"
            r"|\bamend(?:ed|ments?)\b|\badopted\b|\b(?:taken from|laid on) the table\b",
        ),
        ("referred", r"\b(?:re-?)?refe\w*d\b|\bdischarged to\b"),
        ("concurrence", r"\bconcurred\b"),
        ("filed", r"\bfiled\b"),
    )
)

# Categories that are read but move no bill to a stage, and why (the evaluation lists them).
NO_STAGE: dict[str, str] = {
    "accompanied_by": "names the bills folded into this one; the report that carries them is a row"
    " of its own",
    "reported_on": "on a new bill, names the bill it reports on (lineage); the committee's report"
    " is a row of its own",
    "cross_reference": "points to another document (a message, the other chamber's actions, the"
    " bills a draft is also based on)",
    "procedural": "a motion, postponement, point of order or transmittal that leaves the bill"
    " where it was",
    "non_concurred": "one chamber refusing the other's amendment: the bill stays where it was until"
    " a conference is appointed",
    "report_accepted": "accepting a report confirms it; only accepting an adverse report ends the"
    " bill",
    "other": "wording no rule reads",
}


def _chamber(branch: str) -> str | None:
    """`House` or `Senate` from a row's branch; None for Joint, Executive or blank."""
    name = branch.strip().lower()
    return {"house": "House", "senate": "Senate"}.get(name)


_SUBSTITUTED_FOR = re.compile(r"\bfor\s+(?P<prefix>[HS])\.?\s*\d", re.IGNORECASE)
_NEW_TEXT = re.compile(r"\ba ?new text\b", re.IGNORECASE)


@lru_cache(maxsize=65_536)
def categorize(action: str, branch: str) -> str:
    """Category of one history row (cached: a court's histories repeat a few thousand texts)."""
    category = next((name for name, pattern in _RULES if pattern.search(action)), "other")
    if category == "substituted_for":
        # "Substituted as a new text for H4807", or a Senate document substituted for a House
        # bill: the text of one chamber's amendment, not a bill that moves on its own.
        named = _SUBSTITUTED_FOR.search(action)
        chamber = _chamber(branch)
        other_chamber = bool(named and chamber and named.group("prefix").upper() != chamber[0])
        if _NEW_TEXT.search(action) or other_chamber:
            return "amendment_text"
    if category == "passed":
        chamber = _chamber(branch)
        # A passage whose chamber the source did not give still shows the bill left committee.
        return f"passed_{chamber.lower()}" if chamber else "floor"
    return category
