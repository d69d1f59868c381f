"""render/: the page writer, the views built apart from page writing, the
labels of templates/_labels.j2, and an import graph without cycles."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from generator.model import Department, Enterprise, Issue, Officer, Programme
from generator.render.environment import make_environment
from generator.render.views.issues import (
    issue_views,
    ledger_view,
    order_groups,
    overdue_groups,
)
from generator.render.writer import PageWriter
from generator.schema import load_schema

AS_OF = dt.date(2022, 12, 31)
GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def _issue(n: int, status: str, dept: str | None, due: dt.date | None, closed: dt.date | None = None) -> Issue:
    return Issue(issue_id=f"Q{n:03d}", enterprise_id="E1", officer_id="O1", category="其他", description="x",
                 reported_on=dt.date(2022, 1, 1), status=status, dept_id=dept, due_on=due, closed_on=closed)


def _programme(issues: list[Issue]) -> Programme:
    return Programme(
        as_of=AS_OF,
        departments={"D1": Department("D1", "甲局"), "D2": Department("D2", "乙局")},
        enterprises={"E1": Enterprise("E1", "x", "某企业", "其他", "小型", False, "解放街道")},
        officers={"O1": Officer("O1", "张三", "暖企专员", "某单位", True)},
        assignments=[], issues=issues, policies={},
    )


ISSUES = [
    _issue(1, "办理中", "D1", dt.date(2022, 12, 1)),  # 30 days overdue
    _issue(2, "办理中", "D2", dt.date(2022, 12, 21)),  # 10 days overdue
    _issue(3, "已交办", "D2", dt.date(2022, 12, 11)),  # 20 days overdue
    _issue(4, "已挂号", None, None),
    _issue(5, "已销号", "D1", dt.date(2022, 6, 1), closed=dt.date(2022, 5, 1)),
    _issue(6, "已交办", "D1", dt.date(2023, 1, 10)),
]


def test_writer_writes_pages_and_files_and_keeps_their_list(tmp_path: Path) -> None:
    w = PageWriter(make_environment(), tmp_path)
    w.text("data/x.json", "{}")
    w.copy_asset("internal/print.css", "orders/print.css")
    assert w.written == [tmp_path / "data/x.json", tmp_path / "orders/print.css"]
    assert (tmp_path / "data/x.json").read_text(encoding="utf-8") == "{}"
    assert (tmp_path / "orders/print.css").read_text(encoding="utf-8") == w.asset("internal/print.css")


def test_labels_are_plain_text_from_the_labels_template(tmp_path: Path) -> None:
    w = PageWriter(make_environment(), tmp_path)
    assert w.label("week_label", (2022, 5)) == "2022年第5周"
    assert w.label("leniency_total") == "合计"
    assert w.label("total_level") == "重点"
    assert w.label("unassigned_orders", "已挂号") == "尚未交办（已挂号）"
    assert w.written == []


def test_a_deployment_overrides_a_label(tmp_path: Path) -> None:
    override = tmp_path / "templates"
    override.mkdir()
    text = (GENERATOR / "render/templates/_labels.j2").read_text(encoding="utf-8")
    (override / "_labels.j2").write_text(text.replace("合计", "总计"), encoding="utf-8")
    assert PageWriter(make_environment(override), tmp_path).label("leniency_total") == "总计"


def test_ledger_by_status_in_the_schema_order() -> None:
    views = issue_views(_programme(ISSUES))
    ledger = ledger_view(views, load_schema())
    assert [(p.status, p.count, p.names) for p in ledger.pages] == [
        ("已挂号", 1, ["status-1.md"]), ("已交办", 2, ["status-2.md"]),
        ("办理中", 2, ["status-3.md"]), ("已销号", 1, ["status-4.md"]),
    ]
    assert ledger.options.dept == ["乙局", "甲局"]
    assert ledger.options.officer == ["张三"]


def test_overdue_per_department_most_first_longest_first() -> None:
    groups = overdue_groups(issue_views(_programme(ISSUES)), _programme(ISSUES))
    assert [(g.dept_id, g.name, [(v.issue.issue_id, v.overdue_days) for v in g.rows]) for g in groups] == [
        ("D2", "乙局", [("Q003", 20), ("Q002", 10)]),
        ("D1", "甲局", [("Q001", 30)]),
    ]


def test_orders_per_department_the_unassigned_last() -> None:
    groups = order_groups(issue_views(_programme(ISSUES)), _programme(ISSUES))
    assert [(g.dept_name, g.page, [v.issue.issue_id for v in g.rows], g.overdue) for g in groups] == [
        ("甲局", "dept-D1.md", ["Q001", "Q006"], 1),
        ("乙局", "dept-D2.md", ["Q003", "Q002"], 2),
        (None, "unassigned.md", ["Q004"], 0),
    ]
    assert groups[-1].unassigned


def _imports(path: Path, module: str) -> set[str]:
    """The generator modules ``path`` imports, at any level (functions and TYPE_CHECKING included)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            out.add(name)
            out.update(f"{name}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_render_has_no_import_cycle_and_imports_no_later_stage() -> None:
    modules = {}
    for path in (GENERATOR / "render").rglob("*.py"):
        parts = list(path.relative_to(GENERATOR.parent).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {m: {d for d in _imports(p, m) if d in modules and d != m} for m, p in modules.items()}
    # a package's __init__ re-exporting its modules is not a cycle: leave those edges out
    graph = {m: {d for d in deps if not (modules[m].name == "__init__.py" and d.startswith(m + "."))}
             for m, deps in graph.items()}
    seen: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(m: str, path: list[str]) -> None:
        seen[m] = 1
        for d in graph[m]:
            assert seen.get(d) != 1, " -> ".join([*path, m, d])
            if d not in seen:
                visit(d, [*path, m])
        seen[m] = 2

    for m in sorted(graph):
        if m not in seen:
            visit(m, [])
    later = ("generator.site", "generator.workbook", "generator.pipeline", "generator.request", "generator.cli")
    assert sorted((m, d) for m, p in modules.items() for d in _imports(p, m) if d.startswith(later)) == []
