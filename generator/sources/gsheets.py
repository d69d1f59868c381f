"""Google Sheets as a source, through gspread.

Reading one spreadsheet costs exactly two API requests, however many tabs it
has: the metadata (``spreadsheets.get`` without grid data), then one
``values:batchGet`` with every tab as a range, values unformatted and dates as
serial numbers, so that cells reach the typing in ``check/`` as they would from
an xlsx file. The tab ``校验结果`` (written by ``validate --write-back``) is
never read.

Credentials are a service-account key file, named by ``--credentials`` or else
by ``GOOGLE_APPLICATION_CREDENTIALS`` (the CLI reads it, into ``GoogleAccess``);
reading asks only for the read-only scope.
Quota (429), timeouts (408), server errors (5xx) and dropped connections are
retried with exponential backoff within a bounded total time
(:class:`RetryingHTTPClient`; gspread's ``BackOffHTTPClient`` may wait up to
four minutes and keeps its retry counter after giving up); every other failure
becomes a :class:`SourceError` saying what to do.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from google.auth import exceptions as auth_exceptions
from google.auth.credentials import Credentials
from gspread import Client
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.http_client import HTTPClient
from gspread.utils import absolute_range_name

from ..errors import SourceError
from ..i18n import _
from . import RawSheet
from .parts import column_letter
from .source import CREDENTIALS_ENV, GoogleAccess, GoogleSheet
from .source import spreadsheet_key as spreadsheet_key

# Seconds to connect, and to wait for an answer, before a request counts as failed (and is retried).
TIMEOUT = (10.0, 120.0)
READ_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
WRITE_SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# The tab `validate --write-back` writes; never read as data.
RESULTS_TAB = "校验结果"

_RETRY_STATUS = {408, 429}


# --- credentials -----------------------------------------------------------


@dataclass
class Account:
    """Credentials and the e-mail address staff share the spreadsheet with."""

    credentials: Credentials
    email: str | None = None


def key_file(path: str | os.PathLike[str] | None) -> Path:
    # The CLI puts $GOOGLE_APPLICATION_CREDENTIALS here when --credentials is not given.
    name = os.fspath(path) if path else ""
    if not name:
        raise SourceError(_(
            "No service-account key file for Google Sheets: set the environment variable "
            "{env} to the key file's path, or pass --credentials FILE"
        ).format(env=CREDENTIALS_ENV))
    p = Path(name).expanduser()
    if not p.is_file():
        raise SourceError(_(
            "The service-account key file {path} does not exist: check the path "
            "(--credentials or {env})"
        ).format(path=p, env=CREDENTIALS_ENV))
    return p


def load_account(path: str | os.PathLike[str] | None, scopes: tuple[str, ...] = READ_SCOPES) -> Account:
    """Service-account credentials from a key file; SourceError if it is unusable."""
    from google.oauth2 import service_account

    p = key_file(path)
    try:
        info = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        info = None
    if not isinstance(info, dict):
        raise SourceError(_(
            "{path} is not a service-account key file (it is not JSON): download the key again "
            "from the Google Cloud console (service account > Keys > Add key > JSON)"
        ).format(path=p.name))
    if info.get("type") != "service_account":
        raise SourceError(_(
            "{path} is not a service-account key (its type is “{kind}”): create a service account "
            "and download its JSON key, not an OAuth client file"
        ).format(path=p.name, kind=info.get("type", "")))
    try:
        credentials = service_account.Credentials.from_service_account_info(info, scopes=list(scopes))
    except (ValueError, KeyError, TypeError) as exc:
        raise SourceError(_(
            "The service-account key file {path} is incomplete or damaged ({detail}): "
            "download a new JSON key"
        ).format(path=p.name, detail=exc)) from exc
    return Account(credentials=credentials, email=info.get("client_email"))


# --- HTTP with bounded retries ----------------------------------------------


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client, retrying what may pass: 408, 429, 5xx and a lost
    connection, with exponential backoff, for at most ``max_total_wait`` seconds
    of waiting in all. ``sleep`` is a class attribute so tests replace it."""

    first_delay: float = 2.0
    max_delay: float = 32.0
    max_total_wait: float = 60.0
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        waited = 0.0
        delay = self.first_delay
        while True:
            try:
                return super().request(*args, **kwargs)
            except APIError as err:
                code = status_of(err)
                if not (code in _RETRY_STATUS or code >= 500):
                    raise
                pause = _retry_after(err.response, delay, self.max_delay)
                if waited + pause > self.max_total_wait:
                    raise
            except (requests.ConnectionError, requests.Timeout, auth_exceptions.TransportError):
                pause = delay
                if waited + pause > self.max_total_wait:
                    raise
            type(self).sleep(pause)
            waited += pause
            delay = min(delay * 2, self.max_delay)


def status_of(err: APIError) -> int:
    """The HTTP status (gspread's ``code`` is -1 when the body is not JSON, e.g. a proxy's 502 page)."""
    status = getattr(err.response, "status_code", None)
    return int(status) if status else int(err.code)


def _retry_after(response: requests.Response | None, default: float, cap: float) -> float:
    value = response.headers.get("Retry-After") if response is not None else None
    if value and value.strip().isdigit():
        return min(float(value), cap)
    return default


# --- reading ----------------------------------------------------------------


def connect(credentials: str | os.PathLike[str] | None = None, scopes: tuple[str, ...] = READ_SCOPES) -> tuple[Client, str | None]:
    """A gspread client with bounded retries, and the service account's e-mail."""
    account = load_account(credentials, scopes)
    client = Client(auth=account.credentials, http_client=RetryingHTTPClient)
    client.set_timeout(TIMEOUT)
    return client, account.email


@contextmanager
def api_errors(key: str, email: str | None) -> Iterator[None]:
    """Every way a request can fail, as a SourceError staff can act on."""
    try:
        yield
    except PermissionError as exc:
        raise SourceError(_not_shared(key, email)) from exc
    except SpreadsheetNotFound as exc:
        raise SourceError(_(
            "There is no Google spreadsheet with the key {key}: copy the link again from the "
            "browser's address bar"
        ).format(key=key)) from exc
    except APIError as exc:
        code = status_of(exc)
        detail = json.dumps(exc.error, ensure_ascii=False)
        if code == 403 and ("SERVICE_DISABLED" in detail or "has not been used" in detail):
            raise SourceError(_(
                "The Google Sheets API is not enabled for the service account's project: in the Google "
                "Cloud console open APIs & Services > Library, enable Google Sheets API, wait a few "
                "minutes and run again"
            )) from exc
        if code == 403:
            raise SourceError(_not_shared(key, email)) from exc
        if code == 400 and "not supported for this document" in detail:
            raise SourceError(_(
                "{key} is an Excel file uploaded to Google Drive, not a Google spreadsheet: open it and "
                "choose File > Save as Google Sheets, then use the new link (or download it and use the "
                "file as the source)"
            ).format(key=key)) from exc
        if code == 404:
            raise SourceError(_(
                "There is no Google spreadsheet with the key {key}: copy the link again from the "
                "browser's address bar"
            ).format(key=key)) from exc
        if code == 401:
            raise SourceError(_(
                "Google rejected the service account's credentials: the key may have been deleted "
                "or disabled; download a new JSON key"
            )) from exc
        if code == 429:
            raise SourceError(_(
                "Google Sheets' request quota is used up (429) and retrying did not help: "
                "wait a minute and run again"
            )) from exc
        if code >= 500 or code == 408:
            raise SourceError(_(
                "Google Sheets kept failing ({code}) after several retries: try again later"
            ).format(code=code)) from exc
        raise SourceError(_("Google Sheets refused the request ({code}: {message})").format(
            code=code, message=str(exc.error.get("message", ""))[:200])) from exc
    except auth_exceptions.RefreshError as exc:
        raise SourceError(_(
            "Google rejected the service account's credentials: the key may have been deleted "
            "or disabled; download a new JSON key"
        )) from exc
    except (requests.ConnectionError, requests.Timeout, auth_exceptions.TransportError) as exc:
        raise SourceError(_(
            "Cannot reach Google Sheets (no network connection?): check the network, or build "
            "from a saved snapshot with --source DIR"
        )) from exc


def _not_shared(key: str, email: str | None) -> str:
    if email:
        return _(
            "The service account may not open the spreadsheet {key}: in Google Sheets click "
            "Share and add {email} as a viewer (editor for template --google and --write-back)"
        ).format(key=key, email=email)
    return _(
        "The service account may not open the spreadsheet {key}: share it with the service "
        "account's e-mail address (client_email in the key file)"
    ).format(key=key)


@dataclass
class Fetched:
    """What one spreadsheet gave: its tabs' cells, as the API returned them."""

    key: str
    title: str
    tabs: list[tuple[str, list[list[Any]]]]
    fetched_at: dt.datetime
    metadata: Mapping[str, Any] = field(default_factory=dict, repr=False)


def grid_titles(metadata: Mapping[str, Any]) -> list[str]:
    return [
        s["properties"]["title"]
        for s in metadata.get("sheets", [])
        if s.get("properties", {}).get("sheetType", "GRID") == "GRID"
    ]


@contextmanager
def _unreadable_answers(key: str) -> Iterator[None]:
    """An answer that is not the JSON the API gives (an HTML page from a proxy
    or a login portal with status 200, a cut-off body) is a source error."""
    try:
        yield
    except (ValueError, AttributeError, TypeError, KeyError, IndexError) as exc:
        raise SourceError(_(
            "Google Sheets gave an answer that is not spreadsheet data for {key} (perhaps a proxy or "
            "login page of the network, or a broken connection): check the network and run again"
        ).format(key=key)) from exc


def _check_text(key: str, tab: str, rows: list[list[Any]]) -> None:
    """A text cell that cannot be written as UTF-8 (a lone surrogate, which JSON can carry)."""
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if isinstance(cell, str):
                try:
                    cell.encode("utf-8")
                except UnicodeEncodeError as exc:
                    raise SourceError(_(
                        "The cell {cell} of the tab {tab} in the Google spreadsheet {key} holds a broken "
                        "character (a lone surrogate): retype the text of that cell"
                    ).format(cell=f"{column_letter(c)}{r + 1}", tab=tab, key=key)) from exc


def fetch(client: Client, key: str, email: str | None = None) -> Fetched:
    """All tabs of a spreadsheet, in two requests: metadata, then values:batchGet.

    ``Client.open_by_key`` would fetch the same metadata but keep only the
    spreadsheet's properties, and listing its worksheets would fetch it again;
    the HTTP client's own calls give both answers whole.
    """
    http = client.http_client
    with api_errors(key, email), _unreadable_answers(key):
        metadata = http.fetch_sheet_metadata(key)  # request 1: the metadata
        titles = [t for t in grid_titles(metadata) if t != RESULTS_TAB]
        tabs: list[tuple[str, list[list[Any]]]] = []
        if titles:
            answer = http.values_batch_get(  # request 2: every tab's values
                key,
                [absolute_range_name(t) for t in titles],
                params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"},
            )
            ranges = answer.get("valueRanges", [])
            for index, title in enumerate(titles):
                values = ranges[index].get("values", []) if index < len(ranges) else []
                rows = [list(r) for r in values]
                _check_text(key, title, rows)
                tabs.append((title, rows))
    title = str(metadata.get("properties", {}).get("title", key))
    return Fetched(
        key=key, title=title, tabs=tabs,
        fetched_at=dt.datetime.now(dt.UTC).replace(microsecond=0), metadata=metadata,
    )


def read_google(source: GoogleSheet, google: GoogleAccess) -> list[RawSheet]:
    """All tabs of one Google spreadsheet as raw sheets (row 1 = header)."""
    if google.client is not None:
        client, email = google.client, None
    else:
        client, email = connect(google.credentials, READ_SCOPES)
    fetched = fetch(client, source.key, email)
    if google.snapshot is not None:
        google.snapshot.add(fetched)
    source_name = f"{fetched.title}（gsheet:{source.key}）"
    return [RawSheet(tab=title, source=source_name, rows=rows) for title, rows in fetched.tabs]
