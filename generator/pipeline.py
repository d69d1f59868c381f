"""The stages joined: read → check → model → figures → render → build.

The CLI is a thin layer over these functions; tests call them directly too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .check import Checked, check_sheets, read_and_check, read_sources
from .check.report import Finding
from .errors import DataInvalid
from .i18n import get_language
from .model import Programme, build_programme, check_record_types
from .schema import PROJECT_ROOT, WorkbookSchema, load_schema
from .site.build import DEFAULT_CONFIG, DEFAULT_DOCS, BuildResult, build_site, kept_site, theme_dir
from .site.leakguard import value_sets
from .site.mkdocs_run import MkDocsAhead
from .site.target import check_before_build
from .sources import EXAMPLE_WORKBOOK, RawSheet, is_google

# The bundled example is a year of 2022; its figures are shown as of its last day.
EXAMPLE_AS_OF = dt.date(2022, 12, 31)
DEFAULT_SITE = PROJECT_ROOT / "site"


def today(schema: WorkbookSchema) -> dt.date:
    return dt.datetime.now(ZoneInfo(schema.timezone)).date()


def resolve(specs: tuple[str, ...] | list[str], as_of: dt.date | None, schema: WorkbookSchema) -> tuple[list[str], dt.date]:
    """The sources and as-of date to use, with the example workbook as the default."""
    if not specs:
        return [str(EXAMPLE_WORKBOOK)], as_of or EXAMPLE_AS_OF
    return list(specs), as_of or today(schema)


def validate(specs: list[str], as_of: dt.date, schema: WorkbookSchema | None = None, **options: Any) -> Checked:
    schema = schema or load_schema()
    check_record_types(schema)
    return read_and_check(specs, schema, as_of, **options)


def model_of(checked: Checked) -> Programme:
    if not checked.report.ok:
        raise DataInvalid(checked.report.to_text())
    return build_programme(checked)


@dataclass
class Built:
    result: BuildResult
    # None when the site in place was kept (result.kept): nothing was read.
    checked: Checked | None = None
    programme: Programme | None = None
    progress: Any = None  # figures.report.Progress of the public edition
    frozen: list[Path] = field(default_factory=list)  # period files written by publish

    @property
    def warnings(self) -> list[Finding]:
        """The validation warnings, also when the site was kept (stored with it)."""
        if self.checked is not None:
            return self.checked.report.warnings
        return [Finding(**item) for item in self.result.findings]


def _inputs_key(
    specs: list[str], as_of: dt.date, audience: str, schema: WorkbookSchema, config_file: Path, docs_dir: Path,
    templates: Path | None, published_dir: Path | None, fetched: list[tuple[str, list[RawSheet]]] | None = None,
) -> str | None:
    from .figures.store import default_published_dir
    from .render import GENERATED_PATHS
    from .site.build_key import build_key

    return build_key(
        specs, as_of, audience=audience, language=get_language(), schema_dir=schema.directory,
        config_file=config_file, theme_dir=theme_dir(config_file), docs_dir=docs_dir, generated=GENERATED_PATHS,
        templates=templates, published_dir=published_dir or default_published_dir(specs),
        fetched=dict(fetched) if fetched is not None else None,
    )


def build(
    specs: list[str],
    as_of: dt.date,
    *,
    site_dir: Path = DEFAULT_SITE,
    audience: str = "public",
    config_file: Path = DEFAULT_CONFIG,
    docs_dir: Path = DEFAULT_DOCS,
    templates: Path | None = None,
    schema: WorkbookSchema | None = None,
    published_dir: Path | None = None,
    freeze: str | None = None,
    reuse: bool = False,
    force: bool = False,
    **options: Any,
) -> Built:
    """Validate, render and build the site. With ``reuse`` (the CLI's default)
    a site built from exactly the same inputs is kept as it is; ``publish``
    (``freeze``) always runs, as it may have periods to freeze. ``force``
    builds and replaces the whole site even when its pages are unchanged."""
    check_before_build(site_dir, audience, specs=specs, docs_dir=docs_dir, config_file=config_file,
                       published_dir=published_dir, templates=templates)
    schema = schema or load_schema()
    check_record_types(schema)
    inputs = None
    fetched = None
    if reuse and freeze is None and not options.get("snapshot"):
        if any(is_google(spec) for spec in specs):
            # A spreadsheet's fingerprint is its cells: fetch them now (the two requests
            # a build makes anyway) and check these same cells below if they changed.
            fetched = read_sources(specs, **options)
        inputs = _inputs_key(specs, as_of, audience, schema, config_file, docs_dir, templates, published_dir, fetched)
        kept = kept_site(site_dir, inputs)
        if kept is not None:
            return Built(result=kept)
    # MkDocs prepares in a child process while the sources are read, checked and rendered.
    ahead = MkDocsAhead.start(config_file) if config_file.exists() else None
    try:
        return _build(specs, as_of, site_dir=site_dir, audience=audience, config_file=config_file,
                      docs_dir=docs_dir, templates=templates, schema=schema, published_dir=published_dir,
                      freeze=freeze, inputs=inputs, ahead=ahead, fetched=fetched, force=force, **options)
    finally:
        if ahead is not None:
            ahead.close()


def _build(
    specs: list[str], as_of: dt.date, *, site_dir: Path, audience: str, config_file: Path, docs_dir: Path,
    templates: Path | None, schema: WorkbookSchema, published_dir: Path | None, freeze: str | None,
    inputs: str | None, ahead: MkDocsAhead | None, fetched: list[tuple[str, list[RawSheet]]] | None,
    force: bool = False, **options: Any,
) -> Built:
    checked = validate(specs, as_of, schema, **options) if fetched is None else check_sheets(fetched, schema, as_of)
    findings = [f.as_dict() for f in checked.report.warnings]
    programme = model_of(checked)
    if audience == "internal":
        from .render.internal import INTERNAL_NAV, render_internal

        result = build_site(
            lambda docs: render_internal(programme, checked, schema, docs, templates),
            site_dir, config_file=config_file, docs_dir=docs_dir, keep_docs=False,
            overrides={"nav": INTERNAL_NAV, "site_name": f"{schema.title}（内部版）"},
            inputs=inputs, findings=findings, ahead=ahead, audience="internal", force=force,
        )
    else:
        # Imported here, not at the top: the figures bring in numpy and highspy,
        # start-up that `validate` does not need.
        from .figures.store import prepare, write_frozen
        from .render import render_public

        # Frozen periods, protection and the audit come first: a failure publishes nothing.
        progress, folder = prepare(programme, schema, specs, published_dir, freeze)
        internal, _public = value_sets(checked, schema)
        result = build_site(
            lambda docs: render_public(programme, schema, docs, templates, progress=progress),
            site_dir, config_file=config_file, docs_dir=docs_dir, internal_values=internal,
            inputs=inputs, findings=findings, ahead=ahead, audience="public", force=force,
        )
        frozen = write_frozen(folder, progress.to_freeze) if freeze else []
        return Built(checked=checked, programme=programme, result=result, progress=progress, frozen=frozen)
    return Built(checked=checked, programme=programme, result=result)
