"""Messages for staff, in Chinese by default, English with ``--lang en``.

Message ids are English and live in the code as ``_("...")``; translations are
gettext catalogues (``locale/<lang>.po``), compiled in memory with Babel so that
no compiled ``.mo`` file has to be kept in step with its source.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("zh", "en")
_language = "zh"


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / f"{lang}.po"
    if lang == "en" or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def set_language(lang: str) -> None:
    global _language
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _language = lang


def get_language() -> str:
    return _language


def _(message: str) -> str:
    return _translations(_language).gettext(message)
