"""workbook.yaml ``footer``: who runs the site (主办单位), a phone for questions and
the ICP 备案号, shown at the foot of every page with the date the figures run to.
Checked when the schema loads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..i18n import _
from .settings import settings_of

# workbook.yaml ``footer``: who runs the site, shown at the foot of every page.
_FOOTER_KEYS = {"organiser": "主办单位", "contact": "联系电话", "icp": "备案号"}


@dataclass(frozen=True)
class Footer:
    organiser: str | None = None
    contact: str | None = None
    icp: str | None = None  # ICP 备案号

    def items(self) -> list[tuple[str, str]]:
        """(label, text) of what is set, in the order shown."""
        return [(label, value) for key, label in _FOOTER_KEYS.items() if (value := getattr(self, key))]


def load_footer(raw: Any, where: Path) -> Footer:
    raw = settings_of(raw, "footer", _FOOTER_KEYS, where)
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip() or any(c in value for c in "<>&\"\n"):
            raise ConfigError(_("{path}: footer.{key} must be plain text on one line, not {value!r}").format(
                path=where, key=key, value=value))
    return Footer(**{key: raw[key].strip() for key in raw})
