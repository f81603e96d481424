"""Every config key is declared once (models.config) and documented in config.toml and README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models.config import _SECTIONS, load_config
from models.rules.registry import RULES, SWITCHABLE

ROOT = Path(__file__).parent.parent
KEYS = sorted((section, key) for section, keys in _SECTIONS.items() for key in keys)


def _config_toml_keys() -> dict[str, set[str]]:
    """Keys config.toml sets or shows commented out, per [section] / [[section]]."""
    found: dict[str, set[str]] = {}
    section = ""
    for line in (ROOT / "config.toml").read_text(encoding="utf-8").splitlines():
        head = re.match(r"^#?\s*\[\[?([a-z_.]+)\]\]?", line)
        if head:
            section = head.group(1)
            continue
        key = re.match(r"^#?\s*([a-z_]+)\s*=", line)
        if key:
            found.setdefault(section, set()).add(key.group(1))
    return found


@pytest.mark.parametrize(("section", "key"), KEYS)
def test_every_key_is_in_config_toml(section: str, key: str) -> None:
    assert key in _config_toml_keys().get(section, set()), f"[{section}] {key} not in config.toml"


@pytest.mark.parametrize(("section", "key"), KEYS)
def test_every_key_is_in_the_readme(section: str, key: str) -> None:
    rows = [
        line
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if re.match(rf"^\| `(\[\[)?{section}[.\]]", line)
    ]
    assert any(re.search(rf"\b{key}\b", row) for row in rows), (
        f"[{section}] {key} is not in the README's configuration table"
    )


def test_the_shipped_config_loads() -> None:
    load_config(ROOT / "config.toml")


def test_every_switchable_rule_is_a_registered_rule() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))
    assert set(SWITCHABLE) <= set(names)
    assert all(rule.severity in ("stale", "review") and rule.doc for rule in RULES)
