"""Google Sheets as a source (see the Google Sheets issue)."""

from __future__ import annotations

from typing import Any

from ..errors import SourceError
from . import RawSheet


def read_google(spec: str, **options: Any) -> list[RawSheet]:
    raise SourceError(f"暂不支持 Google 表格数据源：{spec}")
