"""A1 cell names, for readers that name a cell in their messages. (The checker
has its own copy in check/report.py; sources must not import the checker.)"""

from __future__ import annotations


def column_letter(index: int) -> str:
    """0-based column index to A1 letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
