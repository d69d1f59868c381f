"""揭榜挂帅: a 发榜企业 that did not consent to its name being shown (企业 同意公开名称
否) is warned at its cell: the public page then says 企业（未同意公开名称）, which
a 榜单 meant to be read by universities and institutes would rather not. A code
that is no enterprise is the foreign key's error, not this."""

from __future__ import annotations

from .frames import Tables, add_finding
from .report import WARNING, Report


def check_challenges(tables: Tables, report: Report) -> None:
    table, enterprises = tables.get("challenge_projects"), tables.get("enterprises")
    if table is None or enterprises is None:
        return
    consent = dict(zip(enterprises.col("enterprise_id").to_list(), enterprises.col("publish_name").to_list(),
                       strict=True))
    for index, enterprise_id in enumerate(table.col("enterprise_id").to_list()):
        if enterprise_id in consent and consent[enterprise_id] is not True:
            add_finding(report, table, index, "enterprise_id", "issuer_unnamed", severity=WARNING,
                        sheet_name=enterprises.schema.title)
