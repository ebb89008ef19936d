"""Turning ``-p key=value`` options and ``--params-file`` into workflow parameters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class ParamsError(ValueError):
    pass


def parse_value(raw: str) -> Any:
    """JSON when it parses (numbers, booleans, lists), else the plain string: ``-p month=3``, ``-p name=May``."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def build_params(pairs: list[str], params_file: Path | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if params_file is not None:
        try:
            loaded = json.loads(params_file.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ParamsError(f"cannot read params file {params_file}: {exc}") from None
        if not isinstance(loaded, dict):
            raise ParamsError(f"params file {params_file} must hold a JSON object")
        params.update(loaded)
    given: dict[str, list[Any]] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ParamsError(f"expected key=value, got {pair!r}")
        given.setdefault(key, []).append(parse_value(raw))
    # A repeated key builds a list: -p formats=pdf -p formats=xlsx
    params.update({key: values[0] if len(values) == 1 else values for key, values in given.items()})
    return params
