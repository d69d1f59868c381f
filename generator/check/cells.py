"""Typing one cell: from what a reader gives (text, number, date, bool) to a
value of the field's kind, or the code of what is wrong with it."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from stdnum.cn import uscc as stdnum_uscc

from ..schema import Field
from ..sources.excel import FormulaText
from ..sources.serial_dates import serial_date

_DATE_YMD = re.compile(
    r"^(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[ T]0{1,2}:0{2}(?::0{2})?)?$"
)
_DATE_AMBIGUOUS = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")
# Digits, the usual separators, a leading "+" and an extension (转 123, ext. 123).
_PHONE_SHAPE = re.compile(r"^\+?[0-9][0-9 ()\-]*(?:\s*(?:转|分机|ext\.?|x)\s*[0-9]+)?$", re.IGNORECASE)
# Characters a web address may not hold here: markup in Markdown, HTML or
# attr_list, and quoting characters (RFC 3986 lets none of them in unescaped).
URL_FORBIDDEN = frozenset(" []()<>\"'`{}|\\^")
URL_MAX = 2000
_HOST_LABEL = re.compile(r"^(?!-)[^\W_](?:[^\W_]|-){0,62}(?<!-)$")
_INTEGER = re.compile(r"^[+-]?\d+(\.0+)?$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# An amount written in 万元 (12万, 1.5 万元, 12万元整): ten thousand yuan each, never 12 yuan.
_WAN = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*万\s*(?:元\s*)?整?$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Any whitespace (``\s`` is ``str.isspace`` for str patterns) or a control character.
_ID_BLANK_OR_CONTROL = re.compile(r"[\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Longest text a cell may hold (Excel's own limit), and the longest code.
TEXT_MAX = 32767
ID_MAX = 64

# Numbers are published through a float (JSON, the site): beyond 15 significant
# digits a float no longer holds every number exactly (IEEE 754 double).
EXACT_DIGITS = 15
EXACT_MAX = 10**EXACT_DIGITS - 1
_NOT_FINITE = re.compile(r"^[+-]?(inf(inity)?|nan)$", re.IGNORECASE)

TRUE_WORDS = {"是", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×"}


class CellError(Exception):
    """What is wrong with a cell: a message code and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Blank:
    """Marker for an empty cell (kept apart from a failed one)."""


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def display(value: Any) -> str:
    """The cell as staff would see it, for messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_id(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise CellError("id_type")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            raise CellError("id_type")
        return str(int(value))
    text = fold(str(value))
    if len(text) > ID_MAX:
        raise CellError("too_long", length=len(text), limit=ID_MAX)
    if _ID_BLANK_OR_CONTROL.search(text) or any(_invisible(c) for c in text):
        raise CellError("id_space")
    return text


def _invisible(char: str) -> bool:
    """A character no one sees or that changes how others show: controls,
    format characters (bidi overrides U+202E, zero-width U+200B, BOM ...),
    separators, private-use, unassigned and surrogate code points."""
    return unicodedata.category(char)[0] in "CZ"


def parse_text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return display(value)
    text = str(value).strip()
    if len(text) > TEXT_MAX:
        raise CellError("too_long", length=len(text), limit=TEXT_MAX)
    if CONTROL_CHARS.search(text):
        raise CellError("control_chars")
    return text


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError("date_type")
    if isinstance(value, (int, float)):
        day = serial_date(value)
        if day is None:
            raise CellError("date_type")
        return day
    text = fold(str(value))
    m = _DATE_YMD.match(text)
    if m:
        try:
            return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
        except ValueError as exc:
            raise CellError("date_invalid") from exc
    if _DATE_AMBIGUOUS.match(text):
        raise CellError("date_ambiguous")
    if _INTEGER.match(text):
        return parse_date(float(text))
    raise CellError("date_type")


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return bool(value)
        raise CellError("bool_type")
    word = fold(str(value)).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("bool_type")


def parse_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError("integer_type")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("number_not_finite")
        if isinstance(value, float) and not value.is_integer():
            raise CellError("integer_type")
        if abs(value) > EXACT_MAX:
            raise CellError("number_precision", digits=EXACT_DIGITS)
        return int(value)
    text = fold(str(value)).replace(",", "")
    if _NOT_FINITE.match(text):
        raise CellError("number_not_finite")
    if not _INTEGER.match(text):
        raise CellError("integer_type")
    whole = text.split(".")[0]  # the point, if any, is followed by zeros only
    if _significant_digits(whole) > EXACT_DIGITS:
        raise CellError("number_precision", digits=EXACT_DIGITS)
    return int(whole)


def parse_decimal(value: Any) -> float:
    if isinstance(value, bool):
        raise CellError("decimal_type")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("number_not_finite")
        if abs(value) > EXACT_MAX:
            raise CellError("number_precision", digits=EXACT_DIGITS)
        return float(value)
    text = fold(str(value)).replace(",", "")
    if _NOT_FINITE.match(text):
        raise CellError("number_not_finite")
    if not _DECIMAL.match(text):
        raise CellError("decimal_type")
    if _significant_digits(text) > EXACT_DIGITS:
        raise CellError("number_precision", digits=EXACT_DIGITS)
    return float(text)


def _refuse_wan(value: Any) -> None:
    """A yuan cell written in 万元 is refused with the yuan it would be, so that
    12万 is neither read as 12 nor silently converted (the sheet stays in one unit)."""
    if not isinstance(value, str):
        return
    found = _WAN.match(fold(value).replace(",", ""))
    if found:
        yuan = format((Decimal(found[1]) * 10_000).normalize(), "f")
        raise CellError("amount_in_wan", yuan=yuan)


def _within(number: float, field: Field) -> None:
    """The field's ``minimum`` and ``maximum`` (both included)."""
    if field.minimum is not None and number < field.minimum:
        raise CellError("minimum", minimum=_number_text(field.minimum))
    if field.maximum is not None and number > field.maximum:
        raise CellError("maximum", maximum=_number_text(field.maximum))


def _significant_digits(text: str) -> int:
    """How many digits a number typed as text holds: leading zeros never count;
    with a decimal point, trailing zeros do not either (001.50 has 2, 1000 has 4)."""
    unsigned = text.lstrip("+-")
    if "." not in unsigned:
        return len(unsigned.lstrip("0"))
    return len(unsigned.replace(".", "").strip("0"))


def _parse_phone(value: Any) -> phonenumbers.PhoneNumber:
    text = parse_id(value) if isinstance(value, (int, float)) else fold(str(value))
    # Only what a phone number is written with (phonenumbers alone would skip
    # letters and marks around the digits, e.g. "0580-2040448*a*").
    if not _PHONE_SHAPE.match(text):
        raise CellError("phone")
    text = re.sub(r"\s*(转|分机|ext\.?|x)\s*", " ext. ", text, flags=re.IGNORECASE)
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise CellError("phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise CellError("phone")
    return number


def parse_phone(value: Any) -> str:
    _parse_phone(value)
    return parse_id(value) if isinstance(value, (int, float)) else fold(str(value))


def parse_mobile(value: Any) -> str:
    number = _parse_phone(value)
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise CellError("mobile")
    return parse_phone(value)


def parse_email(value: Any) -> str:
    text = fold(str(value))
    if not _EMAIL.match(text):
        raise CellError("email")
    return text


def parse_url(value: Any) -> str:
    text = fold(str(value))
    problem = url_problem(text)
    if problem is not None:
        code, params = problem
        raise CellError(code, **params)
    return text


def url_problem(text: str) -> tuple[str, dict[str, Any]] | None:
    """What keeps ``text`` from being a whole web address we link to, or None.
    http(s) only, a real host name (no user name, no "localhost"), and none of
    the characters that are markup somewhere (Markdown, HTML, attr_list) or
    that no one sees (controls, bidi, zero-width, white space)."""
    if not text.lower().startswith(("http://", "https://")):
        return "url", {}
    plain = text.isascii() and text.isprintable() and URL_FORBIDDEN.isdisjoint(text)  # then nothing invisible
    for char in "" if plain else text:
        if char in URL_FORBIDDEN or _invisible(char):
            return "url_character", {"char": f"U+{ord(char):04X}" if _invisible(char) or char == " " else char}
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is no number
    except ValueError:
        return "url", {}
    host = parts.hostname or ""
    if "@" in parts.netloc or not _real_host(host) or len(text) > URL_MAX:
        return "url_host", {}
    return None


def _real_host(host: str) -> bool:
    labels = host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        return False
    if all(label.isdigit() for label in labels):  # an IPv4 address
        return len(labels) == 4 and all(int(label) <= 255 for label in labels)
    return not labels[-1].isdigit()


def parse_uscc(value: Any) -> str:
    text = fold(str(value)).upper()
    if len(text) != 18:
        raise CellError("uscc_length", length=len(text))
    if not stdnum_uscc.is_valid(text):
        raise CellError("uscc_check")
    return text


def parse_enum(value: Any, field: Field) -> str:
    text = parse_text(value) if not isinstance(value, str) else fold(value)
    assert field.enum is not None
    for option in field.enum:
        if text == option or text == fold(option):
            return option
    raise CellError("enum", allowed="、".join(field.enum))


def parse_list(value: Any, field: Field, separators: tuple[str, ...]) -> tuple[str, ...]:
    text = parse_text(value)
    pattern = "|".join(re.escape(s) for s in separators)
    items: list[str] = []
    for part in re.split(pattern, text):
        item = fold(part)
        if not item:
            continue
        if field.enum is not None:
            matched = next((o for o in field.enum if item == fold(o)), None)
            if matched is None:
                raise CellError("list_enum", item=item, allowed="、".join(field.enum))
            item = matched
        if item not in items:
            items.append(item)
    return tuple(items)


def parse_cell(value: Any, field: Field, separators: tuple[str, ...]) -> Any:
    """The typed value of a non-blank cell; raises CellError."""
    kind = field.kind
    if isinstance(value, FormulaText):
        raise CellError("formula_uncalculated" if value.uncalculated else "formula_error")
    if isinstance(value, str) and len(value) > TEXT_MAX:
        raise CellError("too_long", length=len(value), limit=TEXT_MAX)
    if isinstance(value, str) and value.startswith("#") and value.rstrip("!?0/").upper() in _FORMULA_ERRORS:
        raise CellError("formula_error")
    if kind == "id":
        return parse_id(value)
    if kind == "text":
        return parse_text(value)
    if kind == "enum":
        return parse_enum(value, field)
    if kind == "date":
        return parse_date(value)
    if kind == "boolean":
        return parse_bool(value)
    if kind == "integer":
        result = parse_integer(value)
        _within(result, field)
        return result
    if kind == "decimal":
        if field.unit == "元":
            _refuse_wan(value)
        number = parse_decimal(value)
        _within(number, field)
        return number
    if kind == "phone":
        return parse_phone(value)
    if kind == "mobile":
        return parse_mobile(value)
    if kind == "email":
        return parse_email(value)
    if kind == "url":
        return parse_url(value)
    if kind == "uscc":
        return parse_uscc(value)
    if kind == "list":
        return parse_list(value, field, separators)
    raise AssertionError(kind)


_FORMULA_ERRORS = {"#REF", "#N/A", "#DIV", "#VALUE", "#NAME", "#NUM", "#NULL", "#SPILL", "#CALC", "#GETTING_DATA", "#ERROR"}
