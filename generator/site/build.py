"""The site build: render into a staging folder, run MkDocs there, check the
output, and only then replace the site folder. A failure at any step leaves
the last good site as it was. Which folders may be replaced, the markers, the
atomic swap and the repair of interrupted builds: ``site/target.py``.

Two skips, both decided by what the last build stored beside the site
(``SiteTarget.state``: valid only while the site is that build's, file for
file), never with ``force``:

- a build whose *inputs* are unchanged (``inputs.build_key``: sources, as-of
  date, schema, docs, configuration, code, packages) keeps the site in place
  without reading anything (``kept_site``);
- a build whose rendered pages, hand-written docs, MkDocs configuration,
  theme overrides and leak-guard values are unchanged skips MkDocs and the
  leak guard: the site already in place is that build's output."""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import BuildError, ConfigError, LeakError
from ..i18n import _
from ..schema import PROJECT_ROOT
from .build_key import with_files
from .leakguard import Leak, guard_key, scan
from .mkdocs_run import MkDocsAhead, MkDocsProblem, mkdocs_build
from .target import BUILD_MARKER as BUILD_MARKER
from .target import SiteTarget, check_location, default_protected, environment_errors, survey
from .workdocs import copy_changed, prune
from .workdocs import sync_generated as _sync_into
from .zensical_run import DEFAULT_ENGINE, ENGINES, zensical_build

DEFAULT_CONFIG = PROJECT_ROOT / "mkdocs.yml"
DEFAULT_DOCS = PROJECT_ROOT / "docs"
_FINGERPRINT_VERSION = "3"  # 3: the engine


@dataclass
class BuildResult:
    site_dir: Path
    pages: int
    warnings: list[str] = field(default_factory=list)
    skipped: bool = False  # pages and configuration unchanged: MkDocs was not run again
    kept: bool = False  # inputs unchanged: nothing was read, checked or rendered
    # Validation warnings of the build, as ``Finding.as_dict()`` (stored beside the site).
    findings: list[dict[str, Any]] = field(default_factory=list)


def copy_handwritten(docs_dir: Path, stage_docs: Path) -> None:
    """Hand-written pages and assets, without what rendering owns."""
    from ..render import GENERATED_PATHS

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
    ahead: MkDocsAhead | None = None, engine: str = "mkdocs",
) -> list[str]:
    """The engine's own build of ``docs_dir`` into ``site_dir``: MkDocs by
    ``ahead`` when given, else in process; Zensical in a child, with its
    configuration and cache in ``docs_dir``'s parent (``SiteTarget.work``).
    Returns its warnings, raises ConfigError or BuildError on failure."""
    if engine not in ENGINES:
        raise ConfigError(_("Unknown site engine {engine}: use one of {engines}").format(
            engine=engine, engines=", ".join(ENGINES)))
    try:
        if engine == "zensical":
            return zensical_build(config_file, docs_dir.parent, site_dir, overrides)
        if ahead is not None:
            return ahead.build(config_file, docs_dir, site_dir, overrides)
        return mkdocs_build(config_file, docs_dir, site_dir, overrides)
    except MkDocsProblem as exc:
        if exc.kind == "config":
            raise ConfigError(_("mkdocs.yml is wrong ({engine}): {error}").format(
                engine=_ENGINE_NAMES[engine], error=exc.detail)) from exc
        raise BuildError(_("The {engine} build failed: {error}").format(
            engine=_ENGINE_NAMES[engine], error=exc.detail)) from exc


_ENGINE_NAMES = {"mkdocs": "MkDocs", "zensical": "Zensical"}


def sync_generated(stage_docs: Path, docs_dir: Path) -> None:
    """Leave the rendered pages in docs/ too, so that ``mkdocs serve`` shows them;
    each is copied only when it changed."""
    from ..render import GENERATED_PATHS

    _sync_into(stage_docs, docs_dir, GENERATED_PATHS)


# Hand-written folders of docs/ for staff only: the internal edition carries them, the public one not.
STAFF_DOCS = ("help",)


def render_work(
    render: Callable[[Path], list[Path]], docs_dir: Path, work_docs: Path, skip: tuple[str, ...] = (),
) -> None:
    """The hand-written pages (but the folders ``skip``) and the rendered ones in ``work_docs``,
    each file written only when its content changed, and what neither made any more removed."""
    from ..render import GENERATED_PATHS

    work_docs.mkdir(parents=True, exist_ok=True)
    keep = copy_changed(docs_dir, work_docs, skip=(*GENERATED_PATHS, *skip))
    keep.update(work_docs / p.relative_to(work_docs) for p in render(work_docs))
    prune(work_docs, keep)


class _AnyTagLoader(yaml.SafeLoader):
    """Reads mkdocs.yml whatever tags it uses (``!ENV``, ``!!python/name:`` …)."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_settings(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as a mapping, whatever tags it uses; empty when it cannot be read
    (the engine itself then says why, at its own place)."""
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_AnyTagLoader)
    except (OSError, yaml.YAMLError):
        return {}
    return config if isinstance(config, dict) else {}


def extra_css_of(config_file: Path) -> list[str]:
    """The stylesheets mkdocs.yml adds (``extra_css``), to add one to them."""
    sheets = mkdocs_settings(config_file).get("extra_css")
    return [s for s in sheets if isinstance(s, str)] if isinstance(sheets, list) else []


def theme_dir(config_file: Path) -> Path | None:
    theme = mkdocs_settings(config_file).get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    return config_file.parent / custom if isinstance(custom, str) else None


@dataclass(frozen=True)
class Guard:
    """What the leak guard looks for: internal values (value -> origin) and the
    codes that open the sealed status records (lookup id -> code)."""

    values: dict[str, str]
    sealed: dict[str, str]

    @functools.cached_property
    def key(self) -> str:
        # Asked twice a build (the build's fingerprint, the marker of files found clean);
        # a million values at province scale take a second to hash.
        return guard_key(self.values, self.sealed)


def public_status_url(config_file: Path) -> str | None:
    """The public status page's address from mkdocs.yml's ``site_url``, None when it has none."""
    url = mkdocs_settings(config_file).get("site_url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    return url.rstrip("/") + "/status/index.html"


def _fingerprint(
    stage_docs: Path, config_file: Path, overrides: dict[str, object] | None, guard: Guard | None,
    engine: str = DEFAULT_ENGINE,
) -> str:
    """What the site is a function of: the staged docs, the configuration and
    theme overrides, the installed packages (MkDocs, Material …), and the
    values the leak guard looks for."""
    from .build_key import Digest, environment

    digest = Digest()
    digest.text("version", _FINGERPRINT_VERSION)
    digest.text("engine", engine)
    digest.text("environment", environment())
    digest.file("config", config_file)
    digest.text("overrides", json.dumps(overrides or {}, sort_keys=True, ensure_ascii=False, default=str))
    digest.text("guard", "off" if guard is None else guard.key)
    digest.tree("docs", stage_docs)
    digest.tree("theme", theme_dir(config_file))
    return digest.hexdigest()


def _count_pages(site_dir: Path) -> int:
    return sum(1 for _ in site_dir.rglob("*.html"))


def kept_site(site_dir: Path, inputs: str | None) -> BuildResult | None:
    """The site in place, when it was built from exactly these inputs and still
    has all its files as built; None when it has to be built."""
    if inputs is None:
        return None
    target = SiteTarget(site_dir)
    previous = target.state()
    if not previous or previous.get("inputs") != with_files(inputs, previous.get("files", [])):
        return None
    return BuildResult(
        site_dir=target.site, pages=int(previous["pages"]), warnings=list(previous.get("warnings", [])),
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
    audience: str | None = None,
    force: bool = False,
    engine: str = DEFAULT_ENGINE,
    sealed: dict[str, str] | None = None,
    files: Sequence[str] = (),
) -> BuildResult:
    """Render with ``render(stage_docs)``, build, guard, then swap into ``site_dir``.

    ``internal_values`` (value -> origin) turns the leak guard on: the public edition.
    ``audience`` (default: public with the guard on, else internal) is recorded
    in the site's marker; a site of the other audience is never replaced.
    ``inputs`` (``inputs.build_key``) and ``findings`` (the validation warnings)
    are stored beside the site, for ``kept_site`` to find next time. ``ahead``:
    MkDocs started ahead (``pipeline.build``), to build the staged docs.
    ``force``: build and replace the whole site even when its pages are unchanged.
    ``engine``: "zensical" or "mkdocs" (``zensical_run.ENGINES``).
    ``sealed``: the codes that open the status page's sealed records (lookup id ->
    code), for the leak guard to scan what they say. ``files``: the files besides the
    sources that the pages were made from (the photos), stored with ``inputs``.

    The pages are rendered into a folder kept beside the site between builds
    (``SiteTarget.work``), where only what changed is written (``render_work``).
    """
    if not config_file.exists():
        raise ConfigError(_("MkDocs configuration {path} not found").format(path=config_file))
    findings = findings or []
    inputs = with_files(inputs, files)
    audience = audience or ("internal" if internal_values is None else "public")
    target = SiteTarget(site_dir)
    check_location(target.site, default_protected(docs_dir, config_file))
    target.check(audience)  # before anything is written beside it; again once locked
    with environment_errors(target.site), target.locked():
        target.recover()
        target.check(audience)
        with target.staging() as tmp:
            stage_docs = target.work / "docs"
            render_work(render, docs_dir, stage_docs, STAFF_DOCS if audience == "public" else ())
            guard = None if internal_values is None else Guard(internal_values, sealed or {})
            fingerprint = _fingerprint(stage_docs, config_file, overrides, guard, engine)
            previous = {} if force else target.state()
            if previous.get("fingerprint") == fingerprint:
                # Same pages, configuration and guarded values: the site in place is
                # what MkDocs would build again, and it passed the leak guard. It now
                # stands for these inputs too (a new as-of date may change no page).
                if keep_docs:
                    sync_generated(stage_docs, docs_dir)
                if previous.get("inputs") != inputs or previous.get("findings") != findings:
                    target.write_state({**previous, "inputs": inputs, "findings": findings, "files": list(files)})
                return BuildResult(site_dir=target.site, pages=int(previous.get("pages", 0)),
                                   warnings=list(previous.get("warnings", [])), skipped=True, findings=findings)
            state = _build_staged(target, tmp / "site", stage_docs, config_file, overrides, guard, ahead,
                                  audience, fingerprint, engine, previous)
            target.write_state({**state, "inputs": inputs, "findings": findings, "files": list(files)})
            if keep_docs:
                sync_generated(stage_docs, docs_dir)
    return BuildResult(site_dir=target.site, pages=state["pages"], warnings=state["warnings"], findings=findings)


def _build_staged(
    target: SiteTarget, stage_site: Path, stage_docs: Path, config_file: Path, overrides: dict[str, object] | None,
    guard: Guard | None, ahead: MkDocsAhead | None, audience: str, fingerprint: str,
    engine: str, previous: dict[str, Any],
) -> dict[str, Any]:
    """The engine into ``stage_site``, the public marker, the leak guard, then
    the swap; returns what the state beside the site records.

    The leak guard scans every file, except one whose path and bytes are those
    of a file the guard found clean in the site in place (``previous``, valid
    only while that site is as built) with the same values looked for: the
    verdict on a file is a function of exactly these, so it is that earlier one."""
    warnings = run_mkdocs(config_file, stage_docs, stage_site, overrides, ahead, engine)
    build_id = target.mark(stage_site, audience, fingerprint)
    guarded: dict[str, Any] = {}
    if guard is not None:
        key = guard.key
        earlier = previous.get("guarded") or {}
        passed = earlier.get("files") if earlier.get("key") == key else None
        clean: dict[str, str] = {}
        leaks = scan(stage_site, guard.values, passed=passed, clean=clean, sealed=guard.sealed)
        if leaks:
            raise LeakError(_leak_message(leaks))
        guarded = {"key": key, "files": clean}
    state = {"build": build_id, "fingerprint": fingerprint, "audience": audience, "pages": _count_pages(stage_site),
             "warnings": warnings, "survey": survey(stage_site), "engine": engine, "guarded": guarded}
    target.swap(stage_site)
    return state


def _leak_message(leaks: list[Leak], limit: int = 10) -> str:
    lines = [_("Internal data appears in the public site; nothing was published ({count} places):").format(count=len(leaks))]
    for leak in leaks[:limit]:
        lines.append("  " + _("{page}: the content of {origin} ({value})").format(page=leak.page, origin=leak.origin, value=leak.value[:30]))
    if len(leaks) > limit:
        lines.append("  " + _("… and {count} more").format(count=len(leaks) - limit))
    return "\n".join(lines)
