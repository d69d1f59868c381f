"""The public status page (办理进度查询): the page, its script and the 256
files of sealed records (``receipts.py`` says what a record holds and why it
is safe to publish)."""

from __future__ import annotations

from ..model import Programme
from .receipts import SHARD_FILE, published_issues, shard_script, status_shards
from .writer import PageWriter

STATUS_PAGE = "status/index.md"


def render_status(w: PageWriter, programme: Programme, key: bytes) -> None:
    for shard, records in status_shards(programme, key).items():
        w.text(SHARD_FILE.format(shard=shard), shard_script(shard, records))
    w.copy_asset("status/status.js", "status/status.js")
    w.page("status/index.md.j2", STATUS_PAGE, as_of=programme.as_of, count=len(published_issues(programme)))
