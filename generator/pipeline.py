"""The stages joined: read → check → model → figures → render → build.

The CLI is a thin layer over these functions; tests call them directly too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .check import Checked, check_sheets, read_and_check, read_sources
from .check.report import Finding
from .errors import BuildError, DataInvalid, NuanqiError
from .i18n import _, get_language, set_language
from .model import Programme, build_programme, check_record_types
from .request import DEFAULT_SITE as DEFAULT_SITE
from .request import BuildRequest, HandbookRequest, ValidateRequest, build_key
from .schema import PROJECT_ROOT as PROJECT_ROOT
from .schema import WorkbookSchema, load_schema
from .site.build import BuildResult, build_site, extra_css_of, kept_site, public_status_url
from .site.leakguard import value_sets
from .site.mkdocs_run import MkDocsAhead
from .site.target import check_before_build
from .sources import EXAMPLE_WORKBOOK, GoogleSheet, RawSheet, Source, parse_sources

# The bundled example is a year of 2022; its figures are shown as of its last day.
EXAMPLE_AS_OF = dt.date(2022, 12, 31)


def today(schema: WorkbookSchema) -> dt.date:
    return dt.datetime.now(ZoneInfo(schema.timezone)).date()


def resolve(specs: tuple[str, ...] | list[str], as_of: dt.date | None, schema: WorkbookSchema) -> tuple[tuple[Source, ...], dt.date]:
    """The sources (parsed: SourceError if one cannot be a source) and as-of
    date to use, with the example workbook as the default."""
    if not specs:
        return parse_sources([str(EXAMPLE_WORKBOOK)]), as_of or EXAMPLE_AS_OF
    return parse_sources(specs), as_of or today(schema)


def validate(request: ValidateRequest) -> Checked:
    """Read every source and check it: every mistake at once."""
    schema = load_schema(request.schema_dir)
    check_record_types(schema)
    return read_and_check(request.sources, schema, request.as_of, request.google)


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


def build(request: BuildRequest) -> Built:
    """Validate, render and build the site. With ``reuse`` (the CLI's default)
    a site built from exactly the same inputs is kept as it is; ``publish``
    (``freeze``) always runs, as it may have periods to freeze. ``force``
    builds and replaces the whole site even when its pages are unchanged."""
    with _language(request.language):
        return _build_checked_first(request)


@contextmanager
def _language(language: str) -> Iterator[None]:
    """The request's message language for the build, the one before it after."""
    before = get_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(before)


def _build_checked_first(request: BuildRequest) -> Built:
    check_before_build(request.site_dir, request.audience, sources=request.sources, docs_dir=request.docs_dir,
                       config_file=request.config_file, published_dir=request.published_dir,
                       templates=request.templates)
    schema = load_schema(request.schema_dir)
    check_record_types(schema)
    inputs = None
    fetched = None
    if request.reuse and request.freeze is None and request.google.snapshot is None:
        if any(isinstance(source, GoogleSheet) for source in request.sources):
            # A spreadsheet's fingerprint is its cells: fetch them now (the two requests
            # a build makes anyway) and check these same cells below if they changed.
            fetched = read_sources(request.sources, request.google)
        inputs = build_key(request, None if fetched is None else {
            source: sheets for source, (_spec, sheets) in zip(request.sources, fetched, strict=True)})
        kept = kept_site(request.site_dir, inputs)
        if kept is not None:
            return Built(result=kept)
    # MkDocs prepares in a child process while the sources are read, checked and rendered.
    ahead = (MkDocsAhead.start(request.config_file)
             if request.engine == "mkdocs" and request.config_file.exists() else None)
    try:
        return _build(request, schema, inputs=inputs, ahead=ahead, fetched=fetched)
    finally:
        if ahead is not None:
            ahead.close()


def _build(
    request: BuildRequest, schema: WorkbookSchema, *, inputs: str | None, ahead: MkDocsAhead | None,
    fetched: list[tuple[str, list[RawSheet]]] | None,
) -> Built:
    checked = validate(request.validation) if fetched is None else check_sheets(fetched, schema, request.as_of)
    findings = [f.as_dict() for f in checked.report.warnings]
    programme = model_of(checked)
    site_dir, config_file, docs_dir, templates = request.site_dir, request.config_file, request.docs_dir, request.templates
    key = request.receipt_secret()
    if request.audience == "internal":
        from .render.internal import INTERNAL_CSS, INTERNAL_NAV, render_internal
        from .render.labels import footer_line

        status_url = public_status_url(config_file)
        result = build_site(
            lambda docs: render_internal(programme, checked, schema, docs, templates, receipt_key=key,
                                         status_url=status_url),
            site_dir, config_file=config_file, docs_dir=docs_dir, keep_docs=False,
            overrides={"nav": INTERNAL_NAV, "site_name": f"{schema.title}（内部版）",
                       "extra_css": [*extra_css_of(config_file), INTERNAL_CSS],
                       "copyright": footer_line(schema.footer, request.as_of)},
            inputs=inputs, findings=findings, ahead=ahead, audience="internal", force=request.force,
            engine=request.engine,
        )
    else:
        # Imported here, not at the top: the figures bring in numpy and highspy,
        # start-up that `validate` does not need.
        from .figures.report import AuditFailed
        from .figures.store import prepare, write_frozen
        from .render import render_public
        from .render.labels import audit_message, footer_line
        from .render.photos import photo_files

        # Frozen periods, protection and the audit come first: a failure publishes nothing.
        try:
            progress, folder = prepare(programme, schema, request.frozen_folder, request.freeze)
        except AuditFailed as exc:
            raise BuildError(audit_message(exc.findings)) from None
        from .render.receipts import keyring, receipt_values

        internal, _public = value_sets(checked, schema)
        internal.update(receipt_values(programme, key))
        result = build_site(
            lambda docs: render_public(programme, schema, docs, templates, progress=progress, receipt_key=key),
            site_dir, config_file=config_file, docs_dir=docs_dir, internal_values=internal,
            overrides={"copyright": footer_line(schema.footer, request.as_of)},
            sealed=keyring(programme, key),
            inputs=inputs, findings=findings, ahead=ahead, audience="public", force=request.force,
            engine=request.engine, files=photo_files(programme),
        )
        frozen = write_frozen(folder, progress.to_freeze) if request.freeze else []
        return Built(checked=checked, programme=programme, result=result, progress=progress, frozen=frozen)
    return Built(checked=checked, programme=programme, result=result)


@dataclass
class Handbook:
    written: Any  # site.handbook.WrittenHandbook
    programme: Programme
    checked: Checked
    policies: int


def handbook(request: HandbookRequest) -> Handbook:
    """Validate, then write the printed 惠企政策汇编 (a PDF of the published
    policies) into ``request.out``. An existing file is replaced only with
    ``force``; the sources and any file not named .pdf are never replaced."""
    from .render.handbook import render_handbook
    from .render.views.handbook import handbook_view
    from .site.handbook import site_address, write_handbook

    out = request.out
    if out.suffix.lower() != ".pdf":
        raise NuanqiError(_("{path}: the handbook is a PDF; name a file ending in .pdf").format(path=out))
    if (out.exists() or out.is_symlink()) and not request.force:
        raise NuanqiError(_("{path} already exists and was left as it is; name a new file, "
                            "or add --force to replace it.").format(path=out))
    # Before anything is read: a missing address is the staff's to fix at once.
    site_url, directory_urls = site_address(request.config_file, request.site_url)
    schema = load_schema(request.schema_dir)
    checked = validate(request.validation)
    programme = model_of(checked)
    view = handbook_view(programme, schema, site_url, directory_urls)
    internal, _public = value_sets(checked, schema)
    written = write_handbook(render_handbook(view, request.templates), out, internal)
    return Handbook(written, programme, checked, view.count)
