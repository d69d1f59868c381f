"""Findings and the report that gathers them."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from ..i18n import _
from .messages import describe

ERROR = "error"
WARNING = "warning"


def column_letter(index: int) -> str:
    """0-based column index to A1 letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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
        return asdict(self)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

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
        params = {"sheet": sheet, "column": column or "", "value": value or "", **params}
        message, hint = describe(code, params)
        self.findings.append(Finding(severity, code, sheet, row, column, cell, value, message, hint, source))

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

    def sorted(self) -> list[Finding]:
        return sorted(
            self.findings,
            key=lambda f: (f.severity != ERROR, f.sheet, f.row or 0, f.cell or "", f.code),
        )

    def to_json(self) -> str:
        return json.dumps([f.as_dict() for f in self.sorted()], ensure_ascii=False, indent=2)

    def summary(self) -> str:
        return _("{errors} errors, {warnings} warnings").format(
            errors=len(self.errors), warnings=len(self.warnings)
        )

    def to_text(self, per_group: int = 5) -> str:
        """Grouped by sheet and rule; a flood of one rule is cut after a few examples."""
        lines: list[str] = []
        groups: dict[tuple[str, str, str], list[Finding]] = {}
        for f in self.sorted():
            groups.setdefault((f.severity, f.sheet, f.code), []).append(f)
        for (severity, sheet, _code), items in groups.items():
            label = _("Error") if severity == ERROR else _("Warning")
            for f in items[:per_group]:
                value = f" [{_short(f.value)}]" if f.value else ""
                lines.append(
                    _("{label} {place}{value}: {message}. {hint}").format(
                        label=label, place=f.place, value=value, message=f.message, hint=f.hint
                    )
                )
            rest = len(items) - per_group
            if rest > 0:
                lines.append(
                    _("… and {count} more of the same in {sheet}").format(count=rest, sheet=sheet)
                )
        lines.append(self.summary())
        return "\n".join(lines)

    def counts(self) -> Counter[str]:
        return Counter(f.code for f in self.findings)


def _short(value: str, limit: int = 40) -> str:
    value = value.replace("\n", " ")
    return value if len(value) <= limit else value[: limit - 1] + "…"
