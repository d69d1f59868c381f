"""The site build: render into a staging folder, run MkDocs there, check the
output, and only then replace the site folder. A failure at any step leaves
the last good site as it was.

Two skips, both decided by ``BUILD_MARKER`` inside the site folder, which
moves with the site it describes:

- a build whose *inputs* are unchanged (``inputs.build_key``: sources, as-of
  date, schema, docs, configuration, code, packages) keeps the site in place
  without reading anything (``kept_site``);
- a build whose rendered pages, hand-written docs, MkDocs configuration,
  theme overrides and leak-guard values are unchanged skips MkDocs and the
  leak guard: the site already in place is that build's output."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import BuildError, ConfigError, LeakError
from .i18n import _
from .leakguard import Leak, scan
from .mkdocs_run import MkDocsAhead, MkDocsProblem, mkdocs_build
from .schema import PROJECT_ROOT

DEFAULT_CONFIG = PROJECT_ROOT / "mkdocs.yml"
DEFAULT_DOCS = PROJECT_ROOT / "docs"
BUILD_MARKER = ".nuanqi-build.json"
_FINGERPRINT_VERSION = "2"


@dataclass
class BuildResult:
    site_dir: Path
    pages: int
    warnings: list[str] = field(default_factory=list)
    skipped: bool = False  # pages and configuration unchanged: MkDocs was not run again
    kept: bool = False  # inputs unchanged: nothing was read, checked or rendered
    # Validation warnings of the build, as ``Finding.as_dict()`` (stored in the marker).
    findings: list[dict[str, Any]] = field(default_factory=list)


def copy_handwritten(docs_dir: Path, stage_docs: Path) -> None:
    """Hand-written pages and assets, without what rendering owns."""
    from .render import GENERATED_PATHS

    stage_docs.mkdir(parents=True, exist_ok=True)
    if not docs_dir.is_dir():
        return
    for item in docs_dir.iterdir():
        if item.name in GENERATED_PATHS or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, stage_docs / item.name)
        else:
            shutil.copy2(item, stage_docs / item.name)


def run_mkdocs(
    config_file: Path, docs_dir: Path, site_dir: Path, overrides: dict[str, object] | None = None,
    ahead: MkDocsAhead | None = None,
) -> list[str]:
    """MkDocs' own build, by ``ahead`` when given, else in process; returns its
    warnings, raises ConfigError or BuildError on failure."""
    try:
        if ahead is not None:
            return ahead.build(config_file, docs_dir, site_dir, overrides)
        return mkdocs_build(config_file, docs_dir, site_dir, overrides)
    except MkDocsProblem as exc:
        if exc.kind == "config":
            raise ConfigError(_("mkdocs.yml is wrong: {error}").format(error=exc.detail)) from exc
        raise BuildError(_("The MkDocs build failed: {error}").format(error=exc.detail)) from exc


def _replace_dir(new: Path, target: Path) -> None:
    """Swap ``new`` into ``target``; the old one goes only after the swap worked."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{target.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise
    if old.exists():
        shutil.rmtree(old)


def sync_generated(stage_docs: Path, docs_dir: Path) -> None:
    """Leave the rendered pages in docs/ too, so that ``mkdocs serve`` shows them.
    The staging folder is discarded next, so its pages are moved, not copied
    (0.1 s at district scale), unless docs/ is on another file system."""
    from .render import GENERATED_PATHS

    docs_dir.mkdir(parents=True, exist_ok=True)
    for name in GENERATED_PATHS:
        target = docs_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        source = stage_docs / name
        if not source.exists():
            continue
        try:
            source.rename(target)
        except OSError:
            if source.is_dir():
                shutil.copytree(source, target)
            else:
                shutil.copy2(source, target)


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml whatever tags it uses (``!ENV``, ``!!python/name:`` …)."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def theme_dir(config_file: Path) -> Path | None:
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    except (OSError, yaml.YAMLError):
        return None
    theme = config.get("theme") if isinstance(config, dict) else None
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    return config_file.parent / custom if isinstance(custom, str) else None


def _fingerprint(
    stage_docs: Path, config_file: Path, overrides: dict[str, object] | None, internal_values: dict[str, str] | None,
) -> str:
    """What the site is a function of: the staged docs, the configuration and
    theme overrides, the installed packages (MkDocs, Material …), and the
    values the leak guard looks for."""
    from .inputs import Digest, environment

    digest = Digest()
    digest.text("version", _FINGERPRINT_VERSION)
    digest.text("environment", environment())
    digest.file("config", config_file)
    digest.text("overrides", json.dumps(overrides or {}, sort_keys=True, ensure_ascii=False, default=str))
    digest.text("guard", "off" if internal_values is None else "\n".join(internal_values))
    digest.tree("docs", stage_docs)
    digest.tree("theme", theme_dir(config_file))
    return digest.hexdigest()


def _count_pages(site_dir: Path) -> int:
    return sum(1 for _ in site_dir.rglob("*.html"))


def _previous_build(site_dir: Path) -> dict[str, Any]:
    try:
        marker = json.loads((site_dir / BUILD_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return marker if isinstance(marker, dict) else {}


def _write_marker(site_dir: Path, marker: dict[str, Any]) -> None:
    part = site_dir / f"{BUILD_MARKER}.part"
    part.write_text(json.dumps(marker, ensure_ascii=False), encoding="utf-8")
    part.replace(site_dir / BUILD_MARKER)


def kept_site(site_dir: Path, inputs: str | None) -> BuildResult | None:
    """The site in place, when it was built from exactly these inputs and still
    has all its pages; None when it has to be built."""
    if inputs is None:
        return None
    site_dir = site_dir.resolve()
    previous = _previous_build(site_dir)
    if previous.get("inputs") != inputs or previous.get("pages") != _count_pages(site_dir):
        return None
    return BuildResult(
        site_dir=site_dir, pages=int(previous["pages"]), warnings=list(previous.get("warnings", [])),
        skipped=True, kept=True, findings=list(previous.get("findings", [])),
    )


def build_site(
    render: Callable[[Path], list[Path]],
    site_dir: Path,
    *,
    config_file: Path = DEFAULT_CONFIG,
    docs_dir: Path = DEFAULT_DOCS,
    internal_values: dict[str, str] | None = None,
    overrides: dict[str, object] | None = None,
    keep_docs: bool = True,
    inputs: str | None = None,
    findings: list[dict[str, Any]] | None = None,
    ahead: MkDocsAhead | None = None,
) -> BuildResult:
    """Render with ``render(stage_docs)``, build, guard, then swap into ``site_dir``.

    ``internal_values`` (value -> origin) turns the leak guard on: the public edition.
    ``inputs`` (``inputs.build_key``) and ``findings`` (the validation warnings)
    are stored with the site, for ``kept_site`` to find next time. ``ahead``:
    MkDocs started ahead (``pipeline.build``), to build the staged docs.
    """
    findings = findings or []
    if not config_file.exists():
        raise ConfigError(_("MkDocs configuration {path} not found").format(path=config_file))
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".nuanqi-build-", dir=site_dir.parent) as tmp:
        stage_docs = Path(tmp) / "docs"
        stage_site = Path(tmp) / "site"
        copy_handwritten(docs_dir, stage_docs)
        render(stage_docs)
        fingerprint = _fingerprint(stage_docs, config_file, overrides, internal_values)
        previous = _previous_build(site_dir)
        if previous.get("fingerprint") == fingerprint and previous.get("pages") == _count_pages(site_dir):
            # Same pages, configuration and guarded values: the site in place is
            # what MkDocs would build again, and it passed the leak guard. It now
            # stands for these inputs too (a new as-of date may change no page).
            if keep_docs:
                sync_generated(stage_docs, docs_dir)
            if previous.get("inputs") != inputs or previous.get("findings") != findings:
                _write_marker(site_dir, {**previous, "inputs": inputs, "findings": findings})
            return BuildResult(site_dir=site_dir, pages=int(previous.get("pages", 0)),
                               warnings=list(previous.get("warnings", [])), skipped=True, findings=findings)
        warnings = run_mkdocs(config_file, stage_docs, stage_site, overrides, ahead)
        if internal_values is not None:
            leaks = scan(stage_site, internal_values)
            if leaks:
                raise LeakError(_leak_message(leaks))
        pages = _count_pages(stage_site)
        marker = {"fingerprint": fingerprint, "pages": pages, "warnings": warnings, "inputs": inputs,
                  "findings": findings}
        _write_marker(stage_site, marker)
        _replace_dir(stage_site, site_dir)
        if keep_docs:
            sync_generated(stage_docs, docs_dir)
    return BuildResult(site_dir=site_dir, pages=pages, warnings=warnings, findings=findings)


def _leak_message(leaks: list[Leak], limit: int = 10) -> str:
    lines = [_("Internal data appears in the public site; nothing was published ({count} places):").format(count=len(leaks))]
    for leak in leaks[:limit]:
        lines.append("  " + _("{page}: the content of {origin} ({value})").format(page=leak.page, origin=leak.origin, value=leak.value[:30]))
    if len(leaks) > limit:
        lines.append("  " + _("… and {count} more").format(count=len(leaks) - limit))
    return "\n".join(lines)
