"""What a section of workbook.yaml's settings (``closedLoop``, ``footer``) must be
before its values are checked: absent, or a mapping of known keys only."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import _


def settings_of(raw: Any, name: str, known: Iterable[str], where: Path) -> dict[str, Any]:
    """The section ``name`` as a mapping ({} when absent); ConfigError naming the file
    when it is not a mapping or holds a key it does not know."""
    keys = ", ".join(known)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(_("{path}: {name} must be a mapping ({keys})").format(path=where, name=name, keys=keys))
    unknown = sorted(map(str, set(raw) - set(known)))
    if unknown:
        raise ConfigError(_("{path}: {name} has settings it does not know: {params} (known: {keys})").format(
            path=where, name=name, params=", ".join(unknown), keys=keys))
    return raw
