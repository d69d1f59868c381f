"""The optional ledgers of the sample (容错纠错, 重点项目, 项目进度)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from ...schema import WorkbookSchema
from .vocabulary import (
    BLOCKERS,
    LEDGER_SCALES,
    LENIENCY_FIELD_WEIGHTS,
    LENIENCY_TEXTS,
    PROGRESS_NOTES,
    PROJECT_WORDS,
    YEAR_END,
    YEAR_START,
    day,
)

Rows = list[dict[str, Any]]


def optional_ledgers(
    scale: str, seed: int, schema: WorkbookSchema,
    departments: Rows, enterprises: Rows,
) -> dict[str, Rows]:
    """Rows of the optional sheets the schema declares; their own random stream,
    so the other sheets do not change when these do."""
    names = {s.name for s in schema.sheets}
    rng = random.Random(f"{seed}-ledgers")
    per_level, n_cases = LEDGER_SCALES[scale]
    out: dict[str, Rows] = {}
    if "leniency_cases" in names:
        out["leniency_cases"] = _leniency_cases(rng, schema, n_cases, departments, enterprises)
    if "key_projects" in names and "project_reports" in names:
        out["key_projects"], out["project_reports"] = _key_projects(rng, schema, per_level)
    return out


def _leniency_cases(rng: random.Random, schema: WorkbookSchema, n_cases: int,
                    departments: Rows, enterprises: Rows) -> Rows:
    fields = list(schema.sheet("leniency_cases").field("field").enum or ())
    weights = [LENIENCY_FIELD_WEIGHTS.get(f, 3) for f in fields]
    cases = []
    for i in range(n_cases):
        field_name = rng.choices(fields, weights)[0]
        found = day(rng, YEAR_START, dt.date(2022, 12, 20))
        due = found + dt.timedelta(days=rng.choice([7, 10, 15, 30]))
        row: dict[str, Any] = {
            "case_id": f"L{i + 1:05d}", "enterprise_id": rng.choice(enterprises)["enterprise_id"],
            "dept_id": rng.choice(departments)["dept_id"], "field": field_name,
            "description": f"{rng.choice(LENIENCY_TEXTS.get(field_name, ['其他轻微违法情形']))}（示例{i + 1}）",
            "found_on": found, "first_offence": "是", "minor": "是", "fix_due_on": due,
            "checked_on": None, "revisit_on": None, "outcome": "整改中",
        }
        checked = max(due + dt.timedelta(days=rng.randint(-5, 3)), found)
        # Most cases are checked on time; a few recent ones are late or still due.
        if checked <= YEAR_END and (checked < dt.date(2022, 11, 20) or rng.random() < 0.7) and rng.random() < 0.98:
            row["checked_on"] = checked
            row["outcome"] = "已整改" if rng.random() < 0.97 else "未整改转立案"
            revisit = checked + dt.timedelta(days=rng.randint(20, 40))
            if row["outcome"] == "已整改" and revisit <= YEAR_END and rng.random() < 0.85:
                row["revisit_on"] = revisit
        cases.append(row)
    return cases


def _key_projects(rng: random.Random, schema: WorkbookSchema, per_level: tuple[int, ...]) -> tuple[Rows, Rows]:
    """The projects of each level and their weekly reports, drawn project by project."""
    levels = list(schema.sheet("key_projects").field("level").enum or ())
    industries = list(schema.enums["industries"])
    projects: Rows = []
    reports: Rows = []
    number = 0
    for level, count in zip(levels, per_level, strict=False):
        for _ in range(count):
            number += 1
            total = round(rng.uniform(1, 60) if level == levels[0] else rng.uniform(0.5, 15), 2)
            plan = round(total * rng.uniform(0.15, 0.4), 2)
            start = day(rng, dt.date(2021, 6, 1), dt.date(2022, 6, 30))
            project_id = f"XM{number:04d}"
            projects.append({
                "project_id": project_id,
                "name": f"示例{rng.choice(PROJECT_WORDS)}{number}号项目",
                "level": level, "sector": rng.choice(industries), "total_investment": total,
                "annual_plan": plan, "lead": f"示例领导{number % 17 + 1}",
                "taskforce": f"{project_id}项目推进专班" if rng.random() < 0.6 else None, "start_on": start,
            })
            reports.extend(_weekly_reports(rng, project_id, start, plan))
    return projects, reports


def _weekly_reports(rng: random.Random, project_id: str, start: dt.date, plan: float) -> Rows:
    """A report most Fridays from the project's start (a day or two early, now and then)."""
    reports = []
    friday = dt.date(2022, 1, 7)
    silent_at_end = rng.random() < 0.1  # no report in the last week
    note = 0
    while friday <= YEAR_END:
        last_week = friday + dt.timedelta(days=7) > YEAR_END
        if friday >= start and rng.random() < 0.93 and not (last_week and silent_at_end):
            note = min(note + (1 if rng.random() < 0.15 else 0), len(PROGRESS_NOTES) - 1)
            week = friday.isocalendar()[1]
            reports.append({
                "project_id": project_id, "report_on": friday - dt.timedelta(days=rng.choice([0, 0, 1, 2])),
                "invested": round(plan / 50 * rng.uniform(0.4, 2.2), 2),
                "progress_note": PROGRESS_NOTES[note],
                "blockers": f"{rng.choice(BLOCKERS)}（示例{project_id}第{week}周）" if rng.random() < 0.15 else None,
            })
        friday += dt.timedelta(days=7)
    return reports
