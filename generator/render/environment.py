"""The jinja2 environment: strict, escaping by default, overridable templates.

A deployment can put a template of the same name in a folder given with
``--templates DIR`` (or ``NUANQI_TEMPLATES``); it is looked up first.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .escape import html_text, md, safe_url, slug, title

TEMPLATE_DIR = Path(__file__).parent / "templates"


def percent(value: float | None) -> Markup:
    """A rate as a percentage with one decimal; "—" when there is no denominator."""
    if value is None:
        return Markup("—")
    return Markup(f"{value * 100:.1f}%")


def number(value: float | int | None) -> Markup:
    if value is None:
        return Markup("—")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return Markup(f"{value:.1f}")
    return Markup(str(value))


@functools.lru_cache(maxsize=8192)
def cn_date(value: dt.date | None) -> Markup:
    if value is None:
        return Markup("—")
    return Markup(f"{value.year}年{value.month}月{value.day}日")


def _finalize(value: Any) -> Any:
    if value is None:
        return Markup("")
    if isinstance(value, (bool, int, float)):
        return Markup(str(value))
    return md(value)


def make_environment(extra_dir: str | Path | None = None) -> Environment:
    loaders = []
    override = extra_dir  # NUANQI_TEMPLATES is read by the CLI, into the build request
    if override:
        loaders.append(FileSystemLoader(str(override)))
    loaders.append(FileSystemLoader(str(TEMPLATE_DIR)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,  # finalize escapes for Markdown, which HTML escaping alone does not cover
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        md=md, title=title, html=html_text, url=safe_url, slug=slug, percent=percent, number=number, cn_date=cn_date,
    )
    return env
