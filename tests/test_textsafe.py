"""The text-safety rules (scheduler/textsafe.py) and the front-matter YAML guard, table-driven;
the commands are tested end to end in test_output_injection.py and test_hostile_notes.py."""

from __future__ import annotations

import json

import pytest

from models.notes import safe_yaml
from models.notes.reading import parse_period
from scheduler.textsafe import cap, json_safe, md, md_link, one_line, terminal_safe


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Read third and passed", "Read third and passed"),
        ("\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07", "click"),  # OSC 8 link, BEL end
        ("\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"),  # ST end
        ("\x1b[2J\x1b[31mred\x1b[0m", "red"),  # CSI
        ("\x9b31mred", "red"),  # 8-bit CSI
        ("bell\x07 back\x08\x08 cr\r", "bell back cr"),
        ("\u202egnp.exe", "gnp.exe"),  # right-to-left override
        ("a\u2066b\u2069c\u200fd", "abcd"),  # isolates, RLM
        ("\x1bPq#0;2;0;0;0\x1b\\x", "x"),  # DCS (sixel)
        ("keeps\ttabs\nand lines", "keeps\ttabs\nand lines"),
        ("emoji 👩‍⚖️ and accents é", "emoji 👩‍⚖️ and accents é"),  # ZWJ is not a control
    ],
)
def test_terminal_safe(text: str, shown: str) -> None:
    assert terminal_safe(text) == shown


def test_one_line_and_cap() -> None:
    assert one_line("a\nb\tc\x07") == "a b c"
    long = one_line("x" * 2000)
    assert len(long) < 600 and long.endswith("[1500 more characters cut]")
    assert cap("short") == "short"


def test_json_safe_keeps_the_value() -> None:
    value = {"title": "a\u202eb\x9bc\x1bd"}
    document = json_safe(json.dumps(value, ensure_ascii=False))
    assert "\u202e" not in document and "\x9b" not in document and "\x1b" not in document
    assert json.loads(document) == value


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<img src=x onerror="a()">', "&lt;img src=x onerror=&quot;a()&quot;&gt;"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("**b** _i_ `c` ~~s~~ a|b", "\\*\\*b\\*\\* \\_i\\_ \\`c\\` \\~\\~s\\~\\~ a\\|b"),
        ("Made-up S.1003 (999)", "Made-up S.1003 (999)"),
    ],
)
def test_md(text: str, shown: str) -> None:
    assert md(text) == shown


def test_md_link_only_for_http() -> None:
    assert md_link("S.1", "https://x.example/a b)") == "[S.1](https://x.example/a%20b%29)"
    assert md_link("S.1", "javascript:alert(1)") == "S.1"
    assert md_link("S.1", "data:text/html,<b>") == "S.1"
    assert md_link("S.1", None) == "S.1"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: &a [1, 2]\nb: *a\n", "anchors and aliases"),
        ("a: " + "[" * 60 + "]" * 60 + "\n", "nested too deep"),
        ("a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 60)), "nested too deep"),
    ],
)
def test_front_matter_yaml_guard(text: str, problem: str) -> None:
    with pytest.raises(safe_yaml.UnsafeYaml, match=problem):
        safe_yaml.load(text)


def test_front_matter_yaml_guard_lets_ordinary_front_matter_through() -> None:
    text = "title: A note\ntracks:\n  - {ref: S.1681, status: in committee}\n  - H.5316\n"
    assert safe_yaml.load(text)["tracks"][1] == "H.5316"


@pytest.mark.parametrize("text", ["99999999999999d", "36601d", "101y", "1000000w"])
def test_a_period_past_a_century_is_no_period(text: str) -> None:
    assert parse_period(text) is None
