"""Every message staff can see has its Chinese translation, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def _msgids() -> set[str]:
    found = extract_from_dir(str(GENERATOR), method_map=[("**.py", "python")], keywords={"_": None})
    return {message for _file, _line, message, _comments, _context in found if isinstance(message, str)}


def test_every_message_has_a_chinese_translation():
    with (GENERATOR / "locale" / "zh.po").open("rb") as fh:
        catalog = read_po(fh, locale="zh")
    missing = sorted(m for m in _msgids() if not (catalog.get(m) and catalog.get(m).string))
    assert missing == []


def test_translations_keep_the_placeholders():
    with (GENERATOR / "locale" / "zh.po").open("rb") as fh:
        catalog = read_po(fh, locale="zh")
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        fields = set(re.findall(r"\{(\w+)", str(message.id)))
        if fields != set(re.findall(r"\{(\w+)", str(message.string))):
            wrong.append(message.id)
    assert wrong == []
