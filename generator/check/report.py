"""Findings and the report that gathers them."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import click

from ..i18n import _
from ..sources.parts import column_letter as column_letter
from .messages import describe

ERROR = "error"
WARNING = "warning"
# A value is quoted in full in JSON up to this length, and in messages up to MESSAGE_VALUE.
VALUE_LIMIT = 200
MESSAGE_VALUE = 60
# The keys of one finding in ``--format json``, in this order (a stable interface).
JSON_KEYS = ("sheet", "row", "column", "cell", "value", "code", "message", "severity", "hint", "source")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def visible(text: str, limit: int) -> str:
    """A cell value fit to quote: control characters shown as their symbols
    (U+2400 block), cut to ``limit`` characters with an ellipsis."""
    text = _CONTROL.sub(lambda m: chr(0x2421) if m[0] == "\x7f" else chr(0x2400 + ord(m[0])), text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    sheet: str
    row: int | None
    column: str | None
    cell: str | None
    value: str | None
    message: str
    hint: str
    source: str | None = None

    @property
    def place(self) -> str:
        if self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.row:
            return f"{self.sheet}!{self.row}:{self.row}"
        return self.sheet

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in JSON_KEYS}


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    # Sheet titles in schema order: the order of sheets in the text report.
    sheet_order: tuple[str, ...] = ()

    def add(
        self,
        severity: str,
        code: str,
        sheet: str,
        *,
        row: int | None = None,
        col: int | None = None,
        column: str | None = None,
        value: str | None = None,
        source: str | None = None,
        **params: Any,
    ) -> None:
        cell = f"{column_letter(col)}{row}" if col is not None and row is not None else None
        params = {
            "sheet": sheet, "column": column or "", **params,
            "value": visible(value or "", MESSAGE_VALUE),
        }
        for key in ("item", "key_value", "group_value"):
            if isinstance(params.get(key), str):
                params[key] = visible(params[key], MESSAGE_VALUE)
        message, hint = describe(code, params)
        shown = None if value is None else visible(value, VALUE_LIMIT)
        self.findings.append(Finding(severity, code, sheet, row, column, cell, shown, message, hint, source))

    def error(self, code: str, sheet: str, **kw: Any) -> None:
        self.add(ERROR, code, sheet, **kw)

    def warning(self, code: str, sheet: str, **kw: Any) -> None:
        self.add(WARNING, code, sheet, **kw)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def _sheet_rank(self, sheet: str) -> tuple[int, str]:
        order = self.sheet_order
        return (order.index(sheet), "") if sheet in order else (len(order), sheet)

    def sorted(self) -> list[Finding]:
        """Errors first, then by sheet (schema order), row, cell and code."""
        return sorted(
            self.findings,
            key=lambda f: (
                f.severity != ERROR, self._sheet_rank(f.sheet), f.row or 0,
                len(f.cell or ""), f.cell or "", f.code,
            ),
        )

    def to_json(self) -> str:
        return json.dumps([f.as_dict() for f in self.sorted()], ensure_ascii=False, indent=2)

    def summary(self) -> str:
        """The last line: totals, and per sheet when there is anything to count."""
        line = _("In all {errors}, {warnings}").format(
            errors=_count(len(self.errors), ERROR), warnings=_count(len(self.warnings), WARNING))
        per_sheet: dict[str, Counter[str]] = {}
        for f in self.sorted():
            per_sheet.setdefault(f.sheet, Counter())[f.severity] += 1
        parts = []
        for sheet, count in per_sheet.items():
            counts = []
            if count[ERROR]:
                counts.append(_count(count[ERROR], ERROR))
            if count[WARNING]:
                counts.append(_count(count[WARNING], WARNING))
            parts.append(_("{sheet}: {counts}").format(sheet=sheet, counts=_(", ").join(counts)))
        if parts:
            line += _(" ({details})").format(details=_("; ").join(parts))
        return line

    def to_text(self, per_group: int = 5, *, color: bool = False) -> str:
        """Grouped by sheet and rule; a flood of one rule is cut after a few
        examples. With ``color``, labels are styled with ANSI colours, which
        ``click.echo(color=None)`` strips when its output is not a terminal."""
        lines: list[str] = []
        groups: dict[tuple[str, str, str], list[Finding]] = {}
        for f in self.sorted():
            groups.setdefault((f.severity, f.sheet, f.code), []).append(f)
        for (severity, sheet, _code), items in groups.items():
            label = _("Error") if severity == ERROR else _("Warning")
            if color:
                label = click.style(label, fg="red" if severity == ERROR else "yellow", bold=True)
            for f in items[:per_group]:
                value = f" [{_short(f.value)}]" if f.value else ""
                message = f.message
                if f.cell and f.column and f.column not in message:  # name the column too
                    message = _("{column}: {message}").format(column=f.column, message=message)
                lines.append(
                    _("{label} {place}{value}: {message}. {hint}").format(
                        label=label, place=f.place, value=value, message=message, hint=f.hint
                    )
                )
            rest = len(items) - per_group
            if rest > 0:
                lines.append(
                    _("… and {count} more of the same in {sheet}").format(count=rest, sheet=sheet)
                )
        summary = self.summary()
        if color:
            summary = click.style(summary, fg="red" if self.errors else "green", bold=True)
        lines.append(summary)
        return "\n".join(lines)

    def counts(self) -> Counter[str]:
        return Counter(f.code for f in self.findings)


def _short(value: str, limit: int = 40) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _count(n: int, severity: str) -> str:
    """“1 error”, “2 errors” (one form in Chinese: “1 个错误”)."""
    if severity == ERROR:
        return (_("{n} error") if n == 1 else _("{n} errors")).format(n=n)
    return (_("{n} warning") if n == 1 else _("{n} warnings")).format(n=n)
