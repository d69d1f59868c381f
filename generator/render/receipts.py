"""Receipt codes (回执码) and the records of the public status page
(办理进度查询, ``status/index.html``).

**The code.** Each 交办单 carries ``code(key, issue_id)``: HMAC-SHA256 of the
issue ID under the deployment's secret key (``sources/receipt_key.py``), its
first 60 bits written as 12 characters of Crockford's base32 in three groups
(``XXXX-XXXX-XXXX``). Without the key it cannot be derived from the issue ID;
with the same key it is the same at every build. Typed back, it is normalised
(``normalise``): NFKC, upper case, dashes and spaces removed, the look-alikes
O → 0 and I, L → 1 (Crockford's rule).

**The records.** One record per issue that has a responsible department
(assigned, open or closed) and was reported by the as-of date: its status, the
department's name, the 办理时限 and, once closed, the 办结类型; never the
enterprise, the description, the officer, or any date but the deadline. The
site holds them under ``lookup_id(code)`` (SHA-256 of the normalised code, in
hex), in 256 script files by the first two hex digits of that hash
(``status/records/ab.js``: ``window.nqStatus("ab", {...})``, a script rather
than JSON so that the page also works opened from ``file://``).

**Sealed.** Each record is also encrypted under a key derived from the code
(``seal``): a reader without the code sees only how many records there are,
not what they say. Why: the deadline is usually the reporting date plus the
department's time limit, so plain records would tell, per reporting week, how
many issues are still open, a cross of reporting and closing time the audited
tables never publish (the audit models issues reported and closed per period
and enterprise attribute; a total "reported in week W, still open" can narrow a
suppressed 销号 cell). Sealed, the records add nothing the audit models: they
carry no enterprise attribute and no reporting or closing date, and what an
outsider can read of them, their number, is the number of assigned issues
(an attribute-free total at the as-of date). The one who holds a code learns
the record of the issue it was printed for, which is theirs.

The cipher is SHA-256 in counter mode with a synthetic IV (the IV is a hash of
key and plaintext, so the same record gives the same bytes at every build and
an altered one is detected); the browser's side (``status.js``) is plain
JavaScript with its own SHA-256, because ``crypto.subtle`` is missing on
pages served over plain http. 60 bits resist guessing on the page; an offline
search for *some* valid code among n records costs about 2^60/n hashes, which
is why the records are sealed and carry so little.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..i18n import _
from ..model import Issue, Programme

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
CODE_CHARS = 12
GROUP = 4
IV_BYTES = 16
SHARD_DIGITS = 2
SHARD_FILE = "status/records/{shard}.js"
CALLBACK = "window.nqStatus"
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode("ascii"))
_CANONICAL = re.compile(f"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}")
_DROP = str.maketrans("", "", "-_ \t\r\n\u3000\u2010\u2011\u2012\u2013\u2014\u2212")


def code(key: bytes, issue_id: str) -> str:
    """The receipt code of an issue, ``XXXX-XXXX-XXXX``. Kept for the last key: a build
    asks for each issue's three times (its record, the keyring, the leak guard's values)."""
    memo = _MEMO.get(key)
    if memo is None:
        _MEMO.clear()
        memo = _MEMO[key] = {}
    found = memo.get(issue_id)
    if found is None:
        found = memo[issue_id] = _code(key, issue_id)
    return found


_MEMO: dict[bytes, dict[str, str]] = {}


def _code(key: bytes, issue_id: str) -> str:
    mac = _keyed(key).copy()
    mac.update(issue_id.encode("utf-8"))
    # The first 60 bits, five at a time: RFC 4648's base32 letters turned into Crockford's.
    chars = base64.b32encode(mac.digest()[:8])[:CODE_CHARS].translate(_CROCKFORD).decode("ascii")
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


@functools.lru_cache(maxsize=4)
def _keyed(key: bytes) -> hmac.HMAC:
    """The HMAC under ``key`` with the codes' prefix fed in, copied for each issue
    (200,000 at province scale: a new HMAC each time costs three times as much)."""
    return hmac.new(key, b"nuanqi receipt\0", hashlib.sha256)


def normalise(typed: str) -> str:
    """A code as typed, in the form that is hashed (the browser does the same)."""
    if _CANONICAL.fullmatch(typed):  # as we print it: only the dashes to drop
        return typed.replace("-", "")
    return unicodedata.normalize("NFKC", typed).upper().translate(_DROP).translate(_LOOKALIKES)


def lookup_id(typed: str) -> str:
    """The hash the site files a record under: SHA-256 of the normalised code, hex."""
    return hashlib.sha256(normalise(typed).encode("utf-8")).hexdigest()


def shard_of(lookup: str) -> str:
    return lookup[:SHARD_DIGITS]


def _record_key(typed: str) -> bytes:
    return hashlib.sha256(b"nuanqi status record\0" + normalise(typed).encode("utf-8")).digest()


def _keystream(key: bytes, iv: bytes, length: int) -> bytes:
    blocks = (length + 31) // 32
    start = key + iv
    sha256 = hashlib.sha256
    return b"".join([sha256(start + n).digest() for n in _counters(blocks)])[:length]


@functools.lru_cache(maxsize=64)
def _counters(blocks: int) -> tuple[bytes, ...]:
    """The keystream's block numbers, 4 bytes big-endian each (what status.js counts)."""
    return tuple(n.to_bytes(4, "big") for n in range(blocks))


def _xor(data: bytes, stream: bytes) -> bytes:
    assert len(data) == len(stream)
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def seal(typed: str, record: dict[str, Any]) -> str:
    """The record encrypted under the code's record key: base64 of IV and ciphertext."""
    return seal_bytes(typed, record_bytes(record))


def record_bytes(record: dict[str, Any]) -> bytes:
    """A record as the bytes that are sealed."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def seal_bytes(typed: str, plain: bytes) -> str:
    key = _record_key(typed)
    iv = hashlib.sha256(key + b"iv" + plain).digest()[:IV_BYTES]
    return base64.b64encode(iv + _xor(plain, _keystream(key, iv, len(plain)))).decode("ascii")


def unseal(typed: str, sealed: str) -> dict[str, Any] | None:
    """The record sealed under this code, or None when it is not (wrong code, altered bytes)."""
    plain = unsealed_bytes(typed, sealed)
    return None if plain is None else record_of(plain)


def unsealed_bytes(typed: str, sealed: str) -> bytes | None:
    """The bytes sealed under this code, or None when they are not (wrong code, altered bytes)."""
    key = _record_key(typed)
    try:
        raw = base64.b64decode(sealed, validate=True)
    except ValueError:
        return None
    iv, body = raw[:IV_BYTES], raw[IV_BYTES:]
    plain = _xor(body, _keystream(key, iv, len(body)))
    if len(iv) != IV_BYTES or hashlib.sha256(key + b"iv" + plain).digest()[:IV_BYTES] != iv:
        return None
    return plain


def record_of(plain: bytes) -> dict[str, Any] | None:
    """Unsealed bytes as the record the status page reads, or None when they are not one."""
    try:
        value = json.loads(plain.decode("utf-8"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class StatusRecord:
    """What the status page shows of one issue: nothing else is published."""

    status: str
    dept: str
    due: str | None  # ISO date of the 办理时限
    closure: str | None  # 办结类型, once closed

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "dept": self.dept, "due": self.due, "closure": self.closure}


def published_issues(programme: Programme) -> list[Issue]:
    """The issues the status page knows: reported by the as-of date and assigned to a department."""
    day = programme.as_of
    return sorted((i for i in programme.issues if i.reported_on <= day and i.dept_id), key=lambda i: i.issue_id)


def status_record(issue: Issue, programme: Programme) -> StatusRecord:
    assert issue.dept_id is not None
    dept = programme.departments.get(issue.dept_id)
    closed = issue.closed_by(programme.as_of)
    return StatusRecord(
        status=issue.status, dept=dept.name if dept else issue.dept_id,
        due=issue.due_on.isoformat() if issue.due_on else None,
        closure=issue.closure_type if closed else None,
    )


def status_shards(programme: Programme, key: bytes) -> dict[str, dict[str, str]]:
    """Shard (two hex digits, all 256) -> lookup id -> sealed record."""
    shards: dict[str, dict[str, str]] = {f"{n:02x}": {} for n in range(16 ** SHARD_DIGITS)}
    # Far fewer records than issues say different things: each is written out once.
    plains: dict[StatusRecord, bytes] = {}
    for issue in published_issues(programme):
        receipt = code(key, issue.issue_id)
        lookup = lookup_id(receipt)
        record = status_record(issue, programme)
        plain = plains.get(record)
        if plain is None:
            plain = plains[record] = record_bytes(record.as_dict())
        shards[shard_of(lookup)][lookup] = seal_bytes(receipt, plain)
    return shards


def shard_script(shard: str, records: dict[str, str]) -> str:
    payload = json.dumps(dict(sorted(records.items())), separators=(",", ":"))
    return f'{CALLBACK}("{shard}",{payload});\n'


def parse_shard(text: str) -> dict[str, str] | None:
    """The records of a shard script as written by ``shard_script``; None when it is not one."""
    head, sep, rest = text.strip().partition(",")
    if not sep or not head.startswith(CALLBACK + '("') or not rest.endswith(");"):
        return None
    try:
        value = json.loads(rest[:-2])
    except ValueError:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        return None
    return value


def keyring(programme: Programme, key: bytes) -> dict[str, str]:
    """Lookup id -> code, for every issue with a record: what opens the records (the leak guard)."""
    return {lookup_id(c): c for c in (code(key, i.issue_id) for i in published_issues(programme))}


def receipt_values(programme: Programme, key: bytes) -> dict[str, str]:
    """Every issue's code, as typed and without dashes -> where it comes from:
    values the leak guard looks for (the public site shows only their hashes)."""
    found: dict[str, str] = {}
    origin_of = _("the receipt code of issue {issue}")
    for issue in programme.issues:
        receipt = code(key, issue.issue_id)
        origin = origin_of.format(issue=issue.issue_id)
        found[receipt] = origin
        found[normalise(receipt)] = origin
    return found
