"""A source as a typed value, parsed once from what the user typed
(``--source``): a workbook file, a folder of CSV files or a Google
spreadsheet. Every later stage takes the typed value and never looks at the
string again; each kind knows how it is read, what of it goes into the build
key, and where its frozen periods live by default."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import SourceError
from ..i18n import _
from ..schema import PROJECT_ROOT

if TYPE_CHECKING:  # gsheets brings in requests and google-auth: builds from files do not need them
    from gspread import Client

    from . import RawSheet

EXAMPLE_WORKBOOK = PROJECT_ROOT / "examples" / "dinghai-2022.xlsx"
EXAMPLE_PUBLISHED = PROJECT_ROOT / "examples" / "published"
# The key file of the service account when --credentials names none (read by the CLI).
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

_KEY = re.compile(r"^[A-Za-z0-9_-]{10,}$")
_URL_KEY = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")


class DigestSink(Protocol):
    """What a source writes its fingerprint into (``site.build_key.Digest``)."""

    def file(self, label: str, path: Path) -> None: ...

    def tree(self, label: str, root: Path | None, skip: Iterable[str] = ()) -> None: ...

    def sheets(self, label: str, sheets: Sequence[RawSheet]) -> None: ...


class FetchedSink(Protocol):
    """What collects the spreadsheets as fetched (``snapshot.Snapshot``): a
    protocol, so that this module needs neither the snapshot nor gspread."""

    def add(self, fetched: Any) -> None: ...


@dataclass(frozen=True)
class GoogleAccess:
    """How Google spreadsheets are reached: the service-account key file (None:
    none named; reading then says how to name one), a ready gspread client
    (tests), and the snapshot that collects what was fetched."""

    credentials: Path | None = None
    client: Client | None = None
    snapshot: FetchedSink | None = None


@dataclass(frozen=True)
class Source:
    """What every kind of source has: the text the user gave (messages and the
    checked data name the source by it)."""

    spec: str

    def __str__(self) -> str:
        return self.spec

    def published_dir(self) -> Path:
        """The default folder of frozen periods when this source comes first."""
        raise NotImplementedError

    def fingerprint(self, digest: DigestSink, label: str, fetched: Sequence[RawSheet] | None) -> bool:
        """Add what the build is a function of; False when that is not known
        (a spreadsheet not fetched yet, a file gone since it was named)."""
        raise NotImplementedError


def _local_published_dir(path: Path) -> Path:
    if path.resolve() == EXAMPLE_WORKBOOK.resolve():
        return EXAMPLE_PUBLISHED
    return path.resolve().parent / "published"


@dataclass(frozen=True)
class WorkbookFile(Source):
    path: Path

    def published_dir(self) -> Path:
        return _local_published_dir(self.path)

    def fingerprint(self, digest: DigestSink, label: str, fetched: Sequence[RawSheet] | None) -> bool:
        if not self.path.is_file():
            return False
        digest.file(label, self.path)
        return True


@dataclass(frozen=True)
class CsvFolder(Source):
    path: Path

    def published_dir(self) -> Path:
        return _local_published_dir(self.path)

    def fingerprint(self, digest: DigestSink, label: str, fetched: Sequence[RawSheet] | None) -> bool:
        if not self.path.is_dir():
            return False
        digest.tree(label, self.path)
        return True


@dataclass(frozen=True)
class GoogleSheet(Source):
    key: str

    def published_dir(self) -> Path:
        # A spreadsheet has no folder of its own: the folder the command runs in.
        return Path.cwd() / "published"

    def fingerprint(self, digest: DigestSink, label: str, fetched: Sequence[RawSheet] | None) -> bool:
        # No fingerprint before the cells are fetched: the cells are the fingerprint.
        if fetched is None:
            return False
        digest.sheets(label, fetched)
        return True


def looks_google(spec: str) -> bool:
    return spec.startswith("gsheet:") or "docs.google.com/spreadsheets" in spec


def spreadsheet_key(spec: str) -> str:
    """The spreadsheet's key from ``gsheet:KEY`` or a docs.google.com URL."""
    if spec.startswith("gsheet:"):
        key = spec[len("gsheet:"):].strip()
    else:
        m = _URL_KEY.search(spec)
        key = m.group(1) if m else ""
    if not _KEY.match(key):
        raise SourceError(_(
            "{spec} is not a Google spreadsheet address: use the link from the browser "
            "(https://docs.google.com/spreadsheets/d/KEY/edit) or gsheet:KEY"
        ).format(spec=spec))
    return key


def parse_source(spec: str) -> Source:
    """The typed source named by ``spec``; SourceError when it cannot be one."""
    if looks_google(spec):
        return GoogleSheet(spec=spec, key=spreadsheet_key(spec))
    path = Path(spec)
    if path.is_dir():
        return CsvFolder(spec=spec, path=path)
    if not path.exists():
        raise SourceError(_("Source {spec} not found: check the path.").format(spec=spec))
    if not path.is_file():
        raise SourceError(_("{spec} is not a regular file (a pipe, a device or a broken link) and cannot be read as a workbook: give a saved .xlsx or .ods file.").format(spec=spec))
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return WorkbookFile(spec=spec, path=path)
    if suffix == ".csv":
        raise SourceError(
            _("{spec} is a single CSV file: save each sheet as a CSV named by its tab, put them in one folder "
              "and give that folder as the source.").format(spec=spec)
        )
    raise SourceError(_("{spec} is not a supported source: use .xlsx, .ods, a CSV folder or a Google Sheets link.").format(spec=spec))


def parse_sources(specs: Iterable[str]) -> tuple[Source, ...]:
    return tuple(parse_source(spec) for spec in specs)


def default_published_dir(sources: Sequence[Source]) -> Path:
    """The folder of frozen periods when none is named: the first source's."""
    return sources[0].published_dir() if sources else EXAMPLE_PUBLISHED


def google_keys(sources: Iterable[Source]) -> list[str]:
    """The Google spreadsheets among the sources, each once."""
    return list(dict.fromkeys(s.key for s in sources if isinstance(s, GoogleSheet)))


