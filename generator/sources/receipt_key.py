"""The secret key of the receipt codes (回执码) printed on each 交办单.

A code is a keyed hash of the issue ID (``render/receipts.py``): without the
key nobody can compute an issue's code, and the same key gives the same codes
at every build. The key is, in this order:

- the text of the environment variable ``NUANQI_RECEIPT_KEY`` (at least 16
  characters; a deployment that keeps its secrets in the CI's vault);
- the key file named by ``NUANQI_RECEIPT_KEY_FILE``;
- else the file ``.nuanqi-receipt-key`` beside the first source (the folder of
  the workbook or of the CSV folder; for a Google spreadsheet the folder the
  command runs in), created on first use with 32 random bytes, mode 0600.

Not beside the site's build state (``.nuanqi-build-<site>/``): that folder is
per site, so the public and the internal edition would each create a key of
their own and the codes printed on the internal 交办单 would not be found on
the public status page. Beside the source, both editions built from one
workbook find the same file. Never inside the site, ``docs/`` or the folder
of frozen periods (which is committed): the build refuses a key file there.

The file must be backed up with the workbook: a lost or replaced key changes
every code, and the codes already handed to enterprises are no longer found.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..i18n import _
from .source import CsvFolder, Source, WorkbookFile

KEY_ENV = "NUANQI_RECEIPT_KEY"
KEY_FILE_ENV = "NUANQI_RECEIPT_KEY_FILE"
KEY_FILE_NAME = ".nuanqi-receipt-key"
MIN_SECRET = 16
KEY_BYTES = 32


@dataclass(frozen=True)
class ReceiptKey:
    """Where the key comes from (the CLI fills it from the environment)."""

    secret: str | None = None  # NUANQI_RECEIPT_KEY
    file: Path | None = None  # NUANQI_RECEIPT_KEY_FILE; None: beside the first source

    @classmethod
    def from_environment(cls) -> ReceiptKey:
        """As the environment names it (read by the CLI, once, into the build request)."""
        named = os.environ.get(KEY_FILE_ENV, "").strip()
        return cls(secret=os.environ.get(KEY_ENV) or None, file=Path(named) if named else None)

    def missing_file(self, sources: Sequence[Source]) -> Path | None:
        """The key file a build will create, None when it exists or the key is the environment's."""
        path = key_file(self, sources)
        return path if path is not None and not path.exists() else None


def default_key_file(sources: Sequence[Source]) -> Path:
    """``.nuanqi-receipt-key`` beside the first source."""
    first = sources[0] if sources else None
    if isinstance(first, WorkbookFile | CsvFolder):
        return first.path.resolve().parent / KEY_FILE_NAME
    return Path.cwd().resolve() / KEY_FILE_NAME


def key_file(spec: ReceiptKey, sources: Sequence[Source]) -> Path | None:
    """The key file used, or None when the key is the environment's text."""
    if spec.secret is not None:
        return None
    return (spec.file or default_key_file(sources)).resolve()


def load_key(spec: ReceiptKey, sources: Sequence[Source], forbidden: Iterable[Path] = ()) -> bytes:
    """The key's bytes; the key file is created when it does not exist yet.
    ``forbidden``: folders the key file must not be in (site, docs, frozen
    periods). ConfigError when the key is too short, unreadable or misplaced."""
    if spec.secret is not None:
        if len(spec.secret.strip()) < MIN_SECRET:
            raise ConfigError(_("{env} is too short: give at least {count} characters (a random string).").format(
                env=KEY_ENV, count=MIN_SECRET))
        return spec.secret.strip().encode("utf-8")
    path = key_file(spec, sources)
    assert path is not None
    for folder in forbidden:
        folder = folder.resolve()
        if path == folder or folder in path.parents:
            raise ConfigError(_("The receipt key file {path} is inside {folder}, which is published or committed: "
                                "keep it elsewhere ({env}).").format(path=path, folder=folder, env=KEY_FILE_ENV))
    return _read_or_create(path)


def _read_or_create(path: Path) -> bytes:
    """The key in ``path``; a new one written there first when there is none.
    Written into a private temporary file, then linked into place: a build
    running at the same time finds either no file or a whole key."""
    if path.exists():
        return _read(path)
    text = secrets.token_hex(KEY_BYTES)
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(text + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            return _read(path)
    except OSError as exc:
        raise ConfigError(_("Cannot create the receipt key file {path}: {error}").format(
            path=path, error=exc.strerror)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return text.encode("ascii")


def _read(path: Path) -> bytes:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(_("Cannot read the receipt key file {path}: {error}").format(
            path=path, error=getattr(exc, "strerror", None) or exc)) from None
    if len(text) < MIN_SECRET:
        raise ConfigError(_("The receipt key file {path} holds no key (at least {count} characters): "
                            "restore it from the backup, or delete it to make a new key (every code changes).").format(
            path=path, count=MIN_SECRET))
    return text.encode("utf-8")


def key_id(key: bytes) -> str:
    """What the build key records of the key: a one-way digest, never the key."""
    return hashlib.sha256(b"nuanqi receipt key id\0" + key).hexdigest()
