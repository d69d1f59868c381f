"""Playing the recorded Google Sheets traffic back to the real gspread client.

``play(name)`` is a vcrpy cassette in record mode "none": a request the
cassette does not hold fails the test, nothing reaches the network. Every
request the code makes is collected in ``Playback.requests``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import requests
import vcr

HERE = Path(__file__).resolve().parent
SA_EMAIL = "nuanqi-reader@nuanqi-test.iam.gserviceaccount.com"


def host(request: requests.PreparedRequest) -> str:
    return urlsplit(request.url or "").hostname or ""


def path(request: requests.PreparedRequest) -> str:
    return urlsplit(request.url or "").path


@dataclass
class Playback:
    """What was sent, request by request (as requests prepared it)."""

    requests: list[requests.PreparedRequest] = field(default_factory=list)
    cassette: Any = None

    def sheets_requests(self) -> list[requests.PreparedRequest]:
        return [r for r in self.requests if host(r) == "sheets.googleapis.com"]

    def token_requests(self) -> list[requests.PreparedRequest]:
        return [r for r in self.requests if host(r) == "oauth2.googleapis.com"]

    def bodies(self, suffix: str) -> list[dict[str, Any]]:
        return [json.loads(r.body or b"{}") for r in self.sheets_requests() if path(r).endswith(suffix)]


@contextmanager
def play(name: str) -> Iterator[Playback]:
    seen = Playback()
    send = requests.adapters.HTTPAdapter.send

    def logged(adapter: requests.adapters.HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        seen.requests.append(request)
        return send(adapter, request, *args, **kwargs)

    player = vcr.VCR(
        serializer="json",
        cassette_library_dir=str(HERE),
        record_mode="none",
        match_on=("method", "scheme", "host", "port", "path", "query"),
    )
    with player.use_cassette(f"{name}.json") as cassette, mock.patch.object(requests.adapters.HTTPAdapter, "send", logged):
        seen.cassette = cassette
        yield seen


@cache
def _private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def service_account_info() -> dict[str, str]:
    """A service-account key as Google's console downloads it, with a fresh RSA key."""
    return {
        "type": "service_account",
        "project_id": "nuanqi-test",
        "private_key_id": "0123456789abcdef0123456789abcdef01234567",
        "private_key": _private_key_pem(),
        "client_email": SA_EMAIL,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/nuanqi-reader",
        "universe_domain": "googleapis.com",
    }


def write_key_file(path: Path) -> Path:
    path.write_text(json.dumps(service_account_info()), encoding="utf-8")
    return path


def token_scopes(request: requests.PreparedRequest) -> list[str]:
    """The scopes a token request asked for (from the signed JWT's claims)."""
    body = request.body.decode() if isinstance(request.body, bytes) else request.body
    assertion = parse_qs(body)["assertion"][0]
    payload = assertion.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["scope"]).split()


def query(request: requests.PreparedRequest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.url or "").query)
