"""The shape of the code (issue 12), as tests: this file is its documentation.

generator/ is a pipeline; each module belongs to a stage by its path, and a
module imports only from its own stage or an earlier one:

    errors, i18n, schema                      0  shared by all
    sources/                                  1  read the spreadsheets
    check/                                    2  type the cells, apply the rules
    model.py, delivery.py, visits.py,
    activities.py, challenges.py, projects.py 3  the typed workbook
    figures/                                  4  the published numbers
    render/ (views/)                          5  Markdown pages
    site/                                     6  MkDocs build, leak guard, target
    workbook/                                 7  writers of workbooks (template, sample)
    request.py, pipeline.py                   8  one command's work, end to end
    cli.py, cli_errors.py, __main__.py        9  the command line

No two modules import each other, directly or round a loop (a module may import
the ``__init__`` of its own package, for what that re-exports). Every import
counts, in functions and under ``TYPE_CHECKING`` too (a type is a dependency).
No function is
longer than 80 lines, no module longer than 400, in generator/ and benchmarks/.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "generator"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 400

# The first name under generator/ (a module or a package) -> its stage.
STAGES = {
    "errors": 0, "i18n": 0, "schema": 0,
    "sources": 1,
    "check": 2,
    "model": 3, "delivery": 3, "visits": 3, "activities": 3, "challenges": 3, "projects": 3,
    "figures": 4,
    "render": 5, "views": 5,
    "site": 6,
    "workbook": 7,
    "request": 8, "pipeline": 8,
    "cli": 9, "cli_errors": 9, "__main__": 9,
}


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of generator/ (a package by its __init__)."""
    found = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The generator modules that ``name`` imports, anywhere in it (functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            source = ".".join([*base, *([node.module] if node.module else [])])
            # ``from pkg import sub`` imports the module pkg.sub; ``from pkg import name``, pkg.
            targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in known else source for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # import generator.a.b.c -> the module it names
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: set(imports(name, path, known)) for name, path in known.items()}


def stage(module: str) -> int:
    """The stage of a module; the package generator itself (a docstring) counts as 0."""
    first = module.split(".")[1] if "." in module else None
    if first is None:
        return 0
    assert first in STAGES, f"generator/{first} has no stage: add it to STAGES in {__file__}"
    return STAGES[first]


def own_package(module: str, target: str) -> bool:
    return module.startswith(target + ".")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    graph = {a: {b for b in targets if not own_package(a, b)} for a, targets in import_graph().items()}
    arrows = [f"{a} -> {b}" for component in cycles(graph) for a in component
              for b in sorted(graph[a]) if b in component]
    assert not arrows, "modules that import each other (round a loop):\n" + "\n".join(arrows)


def test_no_import_from_a_later_stage():
    arrows = [f"{a} -> {b} (stage {stage(a)} imports stage {stage(b)})"
              for a, targets in sorted(import_graph().items()) for b in sorted(targets) if stage(b) > stage(a)]
    assert not arrows, "imports from a later stage into an earlier one:\n" + "\n".join(arrows)


def python_files() -> list[Path]:
    return sorted(p for top in (PACKAGE, "benchmarks") for p in (ROOT / top).rglob("*.py"))


def test_no_function_over_80_lines():
    offenders = []
    for path in python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines")
    assert not offenders, f"functions over {MAX_FUNCTION_LINES} lines:\n" + "\n".join(offenders)


def test_no_module_over_400_lines():
    offenders = [f"{path.relative_to(ROOT)}: {length} lines" for path in python_files()
                 if (length := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]
    assert not offenders, f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(offenders)


def test_gitignore_covers_the_virtualenv():
    patterns = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {".venv/", ".venv", "/.venv/", "/.venv"} & {p.strip() for p in patterns}


# The rules above, on small made-up graphs: what they count as a cycle and as a backward import.


def test_a_loop_of_three_modules_is_a_cycle_and_a_chain_is_not():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_imports_are_resolved_to_modules(tmp_path):
    path = tmp_path / "excel.py"
    path.write_text("import os\nfrom . import RawSheet\nfrom .bounds import check_bounds\n"
                    "from ..errors import SourceError\nimport generator.check.cells\n"
                    "def read():\n    from ..check import cells\n")
    known = dict.fromkeys(["generator", "generator.sources", "generator.sources.excel", "generator.sources.bounds",
                           "generator.errors", "generator.check", "generator.check.cells"], path)
    assert sorted(imports("generator.sources.excel", path, known)) == [
        "generator.check.cells", "generator.check.cells", "generator.errors",
        "generator.sources", "generator.sources.bounds"]


def test_importing_its_own_package_is_not_counted():
    assert own_package("generator.sources.excel", "generator.sources")
    assert not own_package("generator.sources", "generator.sources.excel")
    assert not own_package("generator.sourcesx", "generator.sources")


def test_stages_follow_the_pipeline():
    assert [stage(m) for m in ("generator.errors", "generator.sources.excel", "generator.check.rules",
                               "generator.model", "generator.figures.audit", "generator.render.pages",
                               "generator.site.build", "generator.workbook.sample.writer",
                               "generator.pipeline", "generator.cli")] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
