"""Front matter YAML read safely: anchors and aliases (the "billion laughs" expansion) and deep
nesting (which crashes libyaml's loader) are refused by a token scan before anything is built."""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 50  # front matter is a few keys and lists; nothing real nests this deep

# libyaml's parser when PyYAML has it (ten times faster than the pure-Python one, the same values)
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSE = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


class UnsafeYaml(Exception):
    """Front matter refused before loading; the message is a short phrase."""


def refuse_unsafe(text: str) -> None:
    """Raise UnsafeYaml at the first anchor or alias, or past MAX_DEPTH levels of nesting; the
    scan stops there, so a hostile text costs no more than its first tokens.
    A syntax error is left for the loader, whose message says where it is."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_FAST_LOADER):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise UnsafeYaml("YAML anchors and aliases (&name, *name) are not allowed")
            if isinstance(token, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise UnsafeYaml(f"YAML nested too deep (more than {MAX_DEPTH} levels)")
            elif isinstance(token, _CLOSE):
                depth -= 1
    except yaml.YAMLError:
        return


def load(text: str) -> Any:
    """The YAML value of `text` after `refuse_unsafe`; a syntax error is yaml.YAMLError, from
    the pure-Python parser, whose messages say what is wrong and where."""
    refuse_unsafe(text)
    try:
        return yaml.load(text, Loader=_FAST_LOADER)  # a safe loader (no arbitrary objects)
    except yaml.YAMLError:
        pass
    try:
        return yaml.safe_load(text)
    except RecursionError:
        raise UnsafeYaml("YAML nested too deep") from None
