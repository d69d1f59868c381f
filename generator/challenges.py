"""The records of 揭榜挂帅 and 揭榜挂帅进度 (issue 18), part of the typed workbook
(model.py, stage 3), kept apart so that model.py stays a readable size.
Public sheets, but 发榜企业's code is internal: pages show the enterprise's
name only when it consented (企业 同意公开名称)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ChallengeProject:
    """揭榜挂帅: an enterprise's research challenge (发榜) taken on by a university or institute (揭榜)."""

    challenge_id: str
    name: str
    enterprise_id: str
    solver: str
    funding: float  # yuan
    start_on: dt.date
    end_on: dt.date | None = None
    progress: str | None = None

    def state(self, day: dt.date) -> str:
        """planned, running or ended on ``day``."""
        if self.start_on > day:
            return "planned"
        return "ended" if self.end_on is not None and self.end_on < day else "running"


@dataclass(frozen=True)
class ChallengeReport:
    """揭榜挂帅进度: one report of a challenge project, with its 照片 as written (files or links)."""

    challenge_id: str
    report_on: dt.date
    progress: str
    photos: tuple[str, ...] | None = None
