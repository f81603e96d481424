"""The layers of `models/`: the pure packages never load SQLAlchemy, and arrows point one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

MODELS = Path(__file__).parent.parent / "models"
PURE = ("legislature", "notes", "rules", "sources")


def _modules(package: str) -> list[str]:
    files = (MODELS / package).glob("*.py")
    return sorted(f"models.{package}.{p.stem}" for p in files if p.stem != "__init__")


@pytest.mark.parametrize("package", [*PURE, "config"])
def test_pure_packages_never_load_sqlalchemy(package: str) -> None:
    modules = ["models.config"] if package == "config" else _modules(package)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic'))\n"
        "print(','.join(loaded))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "", f"{package} loads {proc.stdout.strip()[:200]}"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


# Which subpackages each layer may import (besides itself and models.config).
ALLOWED = {
    "legislature": set(),
    "sources": {"legislature", "notes"},
    "notes": {"legislature", "rules"},
    "rules": {"legislature"},
    "storage": {"legislature", "sources", "rules"},
    "reports": {"legislature", "sources", "notes", "rules", "storage"},
}


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_arrows_point_one_way(package: str) -> None:
    wrong = []
    for path in sorted((MODELS / package).rglob("*.py")):
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] in ("crawler", "scheduler"):
                wrong.append(f"{path.name} imports {module}")
            inner = parts[1] if parts[0] == "models" and len(parts) > 1 else None
            if inner and inner not in ("config", package) and inner not in ALLOWED[package]:
                wrong.append(f"{path.name} imports {module}")
    assert not wrong, wrong
