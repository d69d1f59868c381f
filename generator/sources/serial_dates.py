"""Spreadsheet serial dates: the day count from 1899-12-30 that xlsx files and
Google Sheets (``dateTimeRenderOption=SERIAL_NUMBER``) give for a date cell.
Readers (the snapshot writer) and the checker both convert them, so the rule
lives here, in the earlier stage."""

from __future__ import annotations

import datetime as dt

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers taken as dates: 1970-01-01 .. 2099-12-31; anything else is not a date.
SERIAL_MIN, SERIAL_MAX = 25569, 73051


def serial_date(value: int | float) -> dt.date | None:
    """The day of a serial number, or None when it is out of range."""
    if not SERIAL_MIN <= value <= SERIAL_MAX:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(value))
