"""The command line: ``python -m generator`` or ``nuanqi``.

Exit codes (site.md): 0 success (warnings allowed), 1 the data is invalid,
2 usage, configuration, source or network trouble.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import i18n
from .check.cells import CellError, parse_date
from .cli_errors import building, reports_errors, speak_the_staffs_language
from .errors import ConfigError, NuanqiError
from .i18n import _
from .schema import AS_OF_MAX, AS_OF_MIN, load_schema

speak_the_staffs_language()

TEMPLATES_ENV = "NUANQI_TEMPLATES"
ENGINES = ("zensical", "mkdocs")  # site/zensical_run.py: ENGINES (not imported here: start-up)


def _as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        day = parse_date(value)
    except CellError:
        raise click.BadParameter(_("use a date such as 2022-12-31")) from None
    if not AS_OF_MIN <= day <= AS_OF_MAX:
        raise click.BadParameter(_("{value} is out of range: use a date between {low} and {high}").format(
            value=day.isoformat(), low=AS_OF_MIN.isoformat(), high=AS_OF_MAX.isoformat()))
    try:
        start = load_schema().programme_start
    except ConfigError:
        return day  # reported when the schema is loaded for the command
    if day < start:
        raise click.BadParameter(_("{value} is before the programme started ({start}, dates.programmeStart in workbook.yaml)").format(
            value=day.isoformat(), start=start.isoformat()))
    return day


def _lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    i18n.set_language(value)
    return value


source_option = click.option(
    "--source", "-s", "sources", multiple=True, metavar="S",
    help=_("A .xlsx/.ods file, a folder of CSV files, or a Google Sheets URL / gsheet:KEY. "
    "Repeat for several. Default: the bundled example workbook."),
)
as_of_option = click.option(
    "--as-of", callback=_as_of, metavar="DATE",
    help=_("The day figures are computed for (default: today in Asia/Shanghai; 2022-12-31 for the example)."),
)
credentials_option = click.option(
    "--credentials", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
    help=_("Service-account key file for Google Sheets (default: $GOOGLE_APPLICATION_CREDENTIALS)."),
)
snapshot_option = click.option(
    "--save-snapshot", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
    help=_("Save what was fetched from Google Sheets as a CSV folder; --source DIR reads it back."),
)
published_dir_option = click.option(
    "--published-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help=_("The folder of frozen periods (default: published/ next to the first source; "
    "examples/published for the bundled example)."),
)
templates_option = click.option(
    "--templates", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
    help=_("A folder of templates that override the bundled ones."))
lang_option = click.option(
    "--lang", type=click.Choice(i18n.LANGUAGES), default="zh", callback=_lang, expose_value=False,
    is_eager=True, help=_("Language of messages."),
)


def templates_folder(given: Path | None) -> Path | None:
    """--templates, else the folder named by NUANQI_TEMPLATES (the environment is
    read here, once, and travels in the build request, so it is in the build key)."""
    named = os.environ.get(TEMPLATES_ENV)
    return given or (Path(named) if named else None)


def credentials_file(given: Path | None) -> Path | None:
    """--credentials, else the key file named by GOOGLE_APPLICATION_CREDENTIALS."""
    from .sources.source import CREDENTIALS_ENV

    named = os.environ.get(CREDENTIALS_ENV)
    return given or (Path(named) if named else None)


def _echo_new_key(path: Path | None) -> None:
    if path is not None and path.exists():
        click.echo(_("Created the receipt key file {path}: back it up with the workbook; without it every "
                     "receipt code changes (docs/help/receipts.md).").format(path=path), err=True)


def site_engine(given: str | None) -> str:
    """--engine, else the engine named by NUANQI_ENGINE, else the default."""
    from .site.zensical_run import DEFAULT_ENGINE, ENGINE_VARIABLE

    if given:
        return given
    named = os.environ.get(ENGINE_VARIABLE, "").strip()
    if named and named not in ENGINES:
        raise ConfigError(_("{variable}={value} is not a site engine: use one of {engines}").format(
            variable=ENGINE_VARIABLE, value=named, engines=", ".join(ENGINES)))
    return named or DEFAULT_ENGINE


def site_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--site-dir, --templates and --engine, shared by build and publish."""
    fn = click.option("--engine", type=click.Choice(ENGINES), default=None,
                      help=_("What builds the site from the pages: zensical (the default) or mkdocs "
                      "(default: $NUANQI_ENGINE, else zensical)."))(fn)
    fn = templates_option(fn)
    return click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help=_("Where the site goes (default: site/, or site-internal/ for the internal edition)."))(fn)


@click.group()
@click.version_option(package_name="nuanqi")
def cli() -> None:
    """暖企服务工程: build the policy guide and progress site from the shared spreadsheets."""


@cli.command()
@source_option
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help=_("How the report is printed: text for people, json for programs."))
@credentials_option
@snapshot_option
@click.option("--write-back", is_flag=True,
              help=_("Also write the report into the tab 校验结果 of each Google spreadsheet (needs editor access)."))
@lang_option
@reports_errors
def validate(sources: tuple[str, ...], as_of: dt.date | None, fmt: str, credentials: Path | None,
             save_snapshot: Path | None, write_back: bool) -> None:
    """Read and check all sheets; print every error and warning."""
    from .pipeline import resolve
    from .pipeline import validate as run_validate
    from .request import ValidateRequest
    from .sources.snapshot import saving_snapshot
    from .sources.source import GoogleAccess, google_keys

    schema = load_schema()
    parsed, day = resolve(sources, as_of, schema)
    if write_back and not google_keys(parsed):
        raise NuanqiError(_("--write-back writes into Google spreadsheets, and no source is one"))
    credentials = credentials_file(credentials)
    with saving_snapshot(save_snapshot, parsed, schema) as snapshot:
        checked = run_validate(ValidateRequest(
            sources=parsed, as_of=day, google=GoogleAccess(credentials=credentials, snapshot=snapshot),
            schema_dir=schema.directory))
    if save_snapshot is not None:
        click.echo(_("Saved the fetched sheets to {folder}").format(folder=save_snapshot), err=True)
    report = checked.report
    if fmt == "json":
        click.echo(report.to_json())
    else:
        click.echo(report.to_text(color=True), color=None)
    if write_back:
        from .workbook.google import write_report

        for done in write_report(parsed, report, credentials=credentials):
            click.echo(_("Wrote the report into the tab 校验结果 of gsheet:{key}").format(key=done.key), err=True)
    sys.exit(0 if report.ok else 1)


@cli.command()
@source_option
@as_of_option
@click.option("--audience", type=click.Choice(["public", "internal"]), default="public",
              help=_("public: the public site; internal: the service office's edition."))
@site_options
@published_dir_option
@credentials_option
@snapshot_option
@click.option("--force", is_flag=True,
              help=_("Build the whole site again, MkDocs included, even when nothing changed: repairs a damaged site."))
@lang_option
@reports_errors
def build(sources: tuple[str, ...], as_of: dt.date | None, audience: str, site_dir: Path | None,
          templates: Path | None, engine: str | None, credentials: Path | None, save_snapshot: Path | None,
          published_dir: Path | None = None, force: bool = False) -> None:
    """Validate, render the pages and build the site with MkDocs."""
    from .pipeline import PROJECT_ROOT, resolve
    from .pipeline import build as run_build
    from .request import BuildRequest
    from .sources.receipt_key import ReceiptKey
    from .sources.snapshot import saving_snapshot
    from .sources.source import GoogleAccess

    schema = load_schema()
    parsed, day = resolve(sources, as_of, schema)
    if site_dir is None:
        site_dir = PROJECT_ROOT / ("site-internal" if audience == "internal" else "site")
    key = ReceiptKey.from_environment()
    new_key = key.missing_file(parsed)
    with building(site_dir), saving_snapshot(save_snapshot, parsed, schema) as snapshot:
        built = run_build(BuildRequest(
            sources=parsed, as_of=day, site_dir=site_dir, audience=audience, templates=templates_folder(templates),
            schema_dir=schema.directory, published_dir=published_dir, reuse=not force, force=force,
            engine=site_engine(engine), receipt_key=key,
            google=GoogleAccess(credentials=credentials_file(credentials), snapshot=snapshot)))
    _echo_new_key(new_key)
    if save_snapshot is not None:
        click.echo(_("Saved the fetched sheets to {folder}").format(folder=save_snapshot), err=True)
    _echo_built(built, day)


def _echo_built(built: Any, day: dt.date) -> None:
    """What build and publish say after a good build: warnings, then where the site is."""
    warnings = built.warnings
    for finding in warnings[:5]:
        click.echo(f"{_('Warning')} {finding.place}: {finding.message}", err=True)
    if len(warnings) > 5:
        click.echo(_("… and {count} more warnings (run validate to see them all)").format(
            count=len(warnings) - 5), err=True)
    result = built.result
    for message in result.warnings:
        click.echo(_("MkDocs warning: {message}").format(message=message), err=True)
    if result.kept:
        click.echo(_("Sources, schema and configuration unchanged since the last build: kept the site in {site} "
                     "({pages} pages; --force builds it again)").format(pages=result.pages, site=result.site_dir))
    elif result.skipped:
        click.echo(_("Pages and configuration unchanged since the last build: kept the site in {site} ({pages} pages)").format(
            pages=result.pages, site=result.site_dir))
    else:
        click.echo(_("Built {pages} pages as of {as_of} into {site}").format(
            pages=result.pages, as_of=day.isoformat(), site=result.site_dir))
    click.echo(_("Open {index}, or preview with: python -m http.server -d {site} 8000").format(
        index=result.site_dir / "index.html", site=result.site_dir))


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--scale", type=click.Choice(["district", "province"]), default="district",
              help=_("district: one district; province: a province-sized workbook for benchmarks."))
@click.option("--seed", type=int, default=2022, show_default=True, help=_("The same seed makes the same workbook."))
@click.option("--force", is_flag=True, help=_("Overwrite OUT if it already exists."))
@lang_option
@reports_errors
def sample(out: Path, scale: str, seed: int, force: bool) -> None:
    """Write a deterministic, obviously fictional workbook for demos and benchmarks."""
    from .workbook.sample import write_sample

    counts = write_sample(out, scale=scale, seed=seed, overwrite=force)
    summary = "，".join(f"{k} {v}" for k, v in counts.items())
    click.echo(_("Wrote {path}: {summary}").format(path=out, summary=summary))


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path), required=False)
@click.option("--google", "google", metavar="KEY",
              help=_("Add the missing tabs to this Google spreadsheet (gsheet:KEY, its URL or KEY) instead."))
@click.option("--force", is_flag=True, help=_("Overwrite OUT if it already exists."))
@credentials_option
@lang_option
@reports_errors
def template(out: Path | None, google: str | None, credentials: Path | None, force: bool) -> None:
    """Write an empty workbook with every sheet, header notes and drop-down lists."""
    if out is None and google is None:
        raise click.UsageError(_("Name the workbook to write (OUT.xlsx), or a Google spreadsheet with --google KEY."))
    if google is not None:
        from .workbook.google import add_template_tabs

        added = add_template_tabs(google, load_schema(), credentials=credentials_file(credentials))
        if added:
            click.echo(_("Added {count} tabs to the Google spreadsheet: {tabs}").format(
                count=len(added), tabs="、".join(added)))
        else:
            click.echo(_("The Google spreadsheet already has every tab; nothing was changed."))
    if out is None:
        return
    from .workbook.template import write_template

    sheets = write_template(out, load_schema(), overwrite=force)
    click.echo(_("Wrote {path}: {summary}").format(path=out, summary="、".join(sheets)))


@cli.group()
def schema() -> None:
    """The workbook contract in other formats."""


@schema.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=_("Write the descriptor here (default: standard output)."))
@lang_option
@reports_errors
def schema_export(out: Path | None) -> None:
    """Print (or write) a Frictionless Data Package descriptor of the sheets."""
    from .workbook.descriptor import descriptor_json

    text = descriptor_json(load_schema())
    if out is None:
        click.echo(text)
        return
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise NuanqiError(str(exc)) from exc
    click.echo(_("Wrote {path}").format(path=out))


@cli.command()
@click.option("--period", "kind", type=click.Choice(["week", "month"]), required=True,
              help=_("Freeze every finished week (or month) not frozen yet."))
@source_option
@as_of_option
@site_options
@published_dir_option
@credentials_option
@lang_option
@reports_errors
def publish(kind: str, sources: tuple[str, ...], as_of: dt.date | None, site_dir: Path | None,
            templates: Path | None, engine: str | None, published_dir: Path | None, credentials: Path | None) -> None:
    """Freeze the figures of the finished periods and build the public site."""
    from .pipeline import PROJECT_ROOT, resolve
    from .pipeline import build as run_build
    from .request import BuildRequest
    from .sources.receipt_key import ReceiptKey
    from .sources.source import GoogleAccess

    schema = load_schema()
    parsed, day = resolve(sources, as_of, schema)
    key = ReceiptKey.from_environment()
    new_key = key.missing_file(parsed)
    site_dir = site_dir or PROJECT_ROOT / "site"
    with building(site_dir):
        built = run_build(BuildRequest(
            sources=parsed, as_of=day, site_dir=site_dir, templates=templates_folder(templates),
            schema_dir=schema.directory, published_dir=published_dir, freeze=kind, engine=site_engine(engine),
            receipt_key=key, google=GoogleAccess(credentials=credentials_file(credentials))))
    _echo_new_key(new_key)
    for path in built.frozen:
        click.echo(_("Froze {path}").format(path=path))
    if not built.frozen:
        click.echo(_("No finished period left to freeze; nothing changed."))
    _echo_built(built, day)

@cli.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@source_option
@as_of_option
@click.option("--site-url", metavar="URL", help=_("The public site's address, for the QR codes (default: site_url in mkdocs.yml)."))
@templates_option
@click.option("--force", is_flag=True, help=_("Overwrite OUT if it already exists."))
@credentials_option
@lang_option
@reports_errors
def handbook(out: Path, sources: tuple[str, ...], as_of: dt.date | None, site_url: str | None,
             templates: Path | None, force: bool, credentials: Path | None) -> None:
    """Write the printed policy handbook (惠企政策汇编) as a PDF: every published policy."""
    from .pipeline import handbook as run_handbook
    from .pipeline import resolve
    from .request import HandbookRequest
    from .sources.source import GoogleAccess

    parsed, day = resolve(sources, as_of, schema := load_schema())
    done = run_handbook(HandbookRequest(
        sources=parsed, as_of=day, out=out, site_url=site_url, templates=templates_folder(templates), force=force,
        google=GoogleAccess(credentials=credentials_file(credentials)), schema_dir=schema.directory))
    for url in done.written.refused:
        click.echo(_("Warning: the template asked for {url}, which was not fetched").format(url=url), err=True)
    click.echo(_("Wrote {path}: {policies} published policies on {pages} pages, as of {as_of}").format(
        path=done.written.path, policies=done.policies, pages=done.written.pages, as_of=day.isoformat()))


# The help of each command in the staff's language (click takes it from the
# docstring, which stays English for the code's readers).
cli.help = _("暖企服务工程: build the policy guide and progress site from the shared spreadsheets.")
validate.help = _("Read and check all sheets; print every error and warning.")
build.help = _("Validate, render the pages and build the site with MkDocs.")
sample.help = _("Write a deterministic, obviously fictional workbook for demos and benchmarks.")
template.help = _("Write an empty workbook with every sheet, header notes and drop-down lists.")
schema.help = _("The workbook contract in other formats.")
schema_export.help = _("Print (or write) a Frictionless Data Package descriptor of the sheets.")
publish.help = _("Freeze the figures of the finished periods and build the public site.")
handbook.help = _("Write the printed policy handbook (惠企政策汇编) as a PDF: every published policy.")


def main() -> None:
    cli(prog_name="nuanqi")
