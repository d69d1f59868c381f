"""What a command asks for, as one typed value: ``pipeline.validate`` takes a
``ValidateRequest``, ``pipeline.build`` a ``BuildRequest``. The CLI makes them
(and reads the environment variables that name folders and key files); no
option travels as a loose keyword, so a misspelled one is a TypeError at once
rather than an option silently ignored deep in a reader. The build key
(``site/build_key.py``) digests every field of a ``BuildRequest``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from .i18n import get_language
from .schema import PROJECT_ROOT, load_schema
from .site.build import DEFAULT_CONFIG, DEFAULT_DOCS, theme_dir
from .site.build_key import KEY_VERSION, Digest, seal
from .site.zensical_run import DEFAULT_ENGINE, ENGINES
from .sources import GoogleAccess, RawSheet, Source
from .sources.receipt_key import ReceiptKey, key_id, load_key
from .sources.source import default_published_dir

DEFAULT_SITE = PROJECT_ROOT / "site"
AUDIENCES = ("public", "internal")


@dataclass(frozen=True)
class ValidateRequest:
    """Read every source and check it (``validate``, and the first half of a build)."""

    sources: tuple[Source, ...]
    as_of: dt.date
    google: GoogleAccess = GoogleAccess()
    # None: load_schema's own default (NUANQI_SCHEMA_DIR, else sheets_schema/).
    schema_dir: Path | None = None


@dataclass(frozen=True)
class BuildRequest:
    """Every option of a build (``build`` and ``publish``)."""

    sources: tuple[Source, ...]
    as_of: dt.date
    site_dir: Path = DEFAULT_SITE
    audience: str = "public"
    config_file: Path = DEFAULT_CONFIG
    docs_dir: Path = DEFAULT_DOCS
    templates: Path | None = None  # a folder of templates overriding the bundled ones
    published_dir: Path | None = None  # None: the first source's (Source.published_dir)
    freeze: str | None = None  # publish: the kind of period to freeze ("week", "month")
    reuse: bool = False  # keep the site in place when the build key is unchanged
    force: bool = False  # build and replace the whole site even when its pages are unchanged
    engine: str = DEFAULT_ENGINE  # what builds the site from the pages: "zensical" or "mkdocs"
    google: GoogleAccess = GoogleAccess()
    schema_dir: Path | None = None
    # Where the key of the receipt codes comes from (NUANQI_RECEIPT_KEY, NUANQI_RECEIPT_KEY_FILE).
    receipt_key: ReceiptKey = ReceiptKey()
    # The language of the messages on the pages; by default the one set now (--lang).
    language: str = field(default_factory=get_language)

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}, not {self.audience!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {self.engine!r}")

    @property
    def validation(self) -> ValidateRequest:
        return ValidateRequest(sources=self.sources, as_of=self.as_of, google=self.google, schema_dir=self.schema_dir)

    @property
    def frozen_folder(self) -> Path:
        """The folder of frozen periods: the one named, else the first source's."""
        return (self.published_dir or default_published_dir(self.sources)).resolve()

    def receipt_secret(self) -> bytes:
        """The key of the receipt codes; its file is created on first use, and
        may be neither in the site, nor in docs/, nor among the frozen periods."""
        return load_key(self.receipt_key, self.sources,
                        forbidden=(self.site_dir, self.docs_dir, self.frozen_folder))


@dataclass(frozen=True)
class HandbookRequest:
    """The printed 惠企政策汇编 (``handbook``): the published policies of the
    sources as a PDF in ``out``, each with a QR code to its page on the site."""

    sources: tuple[Source, ...]
    as_of: dt.date
    out: Path
    site_url: str | None = None  # None: site_url of config_file (mkdocs.yml)
    config_file: Path = DEFAULT_CONFIG
    templates: Path | None = None
    force: bool = False  # overwrite out when it exists
    google: GoogleAccess = GoogleAccess()
    schema_dir: Path | None = None

    @property
    def validation(self) -> ValidateRequest:
        return ValidateRequest(sources=self.sources, as_of=self.as_of, google=self.google, schema_dir=self.schema_dir)


# --- the build key ------------------------------------------------------------
# One rule per field of BuildRequest: how the field goes into the key, or None
# with the reason it does not change what the build makes. build_key fails on a
# field without an entry, so a new option cannot be forgotten (tests/test_request.py).

Fetched = Mapping[Source, Sequence[RawSheet]]
KeyRule = Callable[[Digest, BuildRequest, Fetched], bool]


def _text(name: str) -> KeyRule:
    def rule(digest: Digest, request: BuildRequest, fetched: Fetched) -> bool:
        value = getattr(request, name)
        digest.text(name, "-" if value is None else str(value))
        return True

    return rule


def _sources(digest: Digest, request: BuildRequest, fetched: Fetched) -> bool:
    return all(source.fingerprint(digest, f"source{n}", fetched.get(source)) for n, source in enumerate(request.sources))


def _config(digest: Digest, request: BuildRequest, fetched: Fetched) -> bool:
    digest.file("config", request.config_file)
    digest.tree("theme", theme_dir(request.config_file))
    return True


def _docs(digest: Digest, request: BuildRequest, fetched: Fetched) -> bool:
    from .render import GENERATED_PATHS

    digest.tree("docs", request.docs_dir, skip=GENERATED_PATHS)
    return True


def _templates(digest: Digest, request: BuildRequest, fetched: Fetched) -> bool:
    digest.tree("templates", request.templates)
    return True


def _published(digest: Digest, request: BuildRequest, fetched: Fetched) -> bool:
    digest.tree("published", request.frozen_folder)
    return True


def _receipt_key(digest: Digest, request: BuildRequest, fetched: Fetched) -> bool:
    # Which key, as a one-way digest: the key itself never enters the stored build key.
    digest.text("receipt_key", key_id(request.receipt_secret()))
    return True


def _schema(digest: Digest, request: BuildRequest, fetched: Fetched) -> bool:
    digest.tree("schema", load_schema(request.schema_dir).directory)
    return True


KEY_RULES: dict[str, KeyRule | None] = {
    "sources": _sources,
    "as_of": _text("as_of"),
    # The key is stored beside the site it describes and compared only with it.
    "site_dir": None,
    "audience": _text("audience"),
    "config_file": _config,
    "docs_dir": _docs,
    "templates": _templates,
    "published_dir": _published,
    "freeze": _text("freeze"),
    # How the build runs, not what it makes.
    "reuse": None,
    "force": None,
    # The two engines make different HTML from the same pages.
    "engine": _text("engine"),
    # How spreadsheets are reached; what they gave is the sources' fingerprint.
    "google": None,
    "schema_dir": _schema,
    "receipt_key": _receipt_key,
    "language": _text("language"),
}


def build_key(request: BuildRequest, fetched: Fetched | None = None) -> str | None:
    """The key of a build, or None when a source has no fingerprint yet (a Google
    spreadsheet not in ``fetched``, a file gone: the build reports it)."""
    digest = Digest()
    digest.text("version", KEY_VERSION)
    for item in fields(request):  # every field first, before any rule reads a file
        if item.name not in KEY_RULES:
            raise TypeError(f"BuildRequest.{item.name} has no rule in request.KEY_RULES: say how it enters the build key")
    for item in fields(request):
        rule = KEY_RULES[item.name]
        if rule is not None and not rule(digest, request, fetched or {}):
            return None
    return seal(digest)
