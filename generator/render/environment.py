"""The jinja2 environment: strict, escaping by default, overridable templates.

A deployment can put a template of the same name in a folder given with
``--templates DIR`` (or ``NUANQI_TEMPLATES``); it is looked up first.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..figures.rounding import percent as published
from ..figures.rounding import percent_text
from .escape import html_text, md, safe_url, slug, title, url_host
from .labels import shares_note

TEMPLATE_DIR = Path(__file__).parent / "templates"


def percent(value: Fraction | Decimal | None) -> Markup:
    """An exact rate as a percentage with one decimal, 四舍五入; "—" when there is no denominator."""
    return Markup(percent_text(value))


def satisfaction_note(f: Any) -> str:
    """The rounding sentence for a headline's satisfaction shares (``ledger.Figures``); empty when they add to 100."""
    roles = f.satisfaction_by_role
    return shares_note([published(roles.get(r)) for r in ("satisfied", "basic", "dissatisfied")]) or ""


def number(value: float | int | None) -> Markup:
    if value is None:
        return Markup("—")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return Markup(f"{value:.1f}")
    return Markup(str(value))


def yuan(value: float | int | None) -> Markup:
    """An amount in yuan: 万元 when a whole number of at least 10,000, else 元 with thousands separators."""
    if value is None:
        return Markup("—")
    amount = Decimal(str(value))
    if amount >= 10_000 and amount == amount.to_integral_value():
        wan = format((amount / 10_000).normalize(), "f")
        return Markup(f"{wan} 万元")
    text = f"{amount:,.2f}".removesuffix(".00")
    return Markup(f"{text} 元")


@functools.lru_cache(maxsize=8192)
def cn_date(value: dt.date | None) -> Markup:
    if value is None:
        return Markup("—")
    return Markup(f"{value.year}年{value.month}月{value.day}日")


def nowrap(value: Any) -> Markup:
    """A date, number or phone that must not break over two lines (2022年⏎12月19日),
    for a Markdown table cell or paragraph; the value escaped as ``md`` does."""
    return Markup('<span class="nq-nowrap">') + md(value) + Markup("</span>")


def _finalize(value: Any) -> Any:
    if value is None:
        return Markup("")
    if isinstance(value, (bool, int, float)):
        return Markup(str(value))
    return md(value)


def _loader(extra_dir: str | Path | None) -> ChoiceLoader:
    loaders = []
    override = extra_dir  # NUANQI_TEMPLATES is read by the CLI, into the build request
    if override:
        loaders.append(FileSystemLoader(str(override)))
    loaders.append(FileSystemLoader(str(TEMPLATE_DIR)))
    return ChoiceLoader(loaders)


def make_environment(extra_dir: str | Path | None = None) -> Environment:
    env = Environment(
        loader=_loader(extra_dir),
        undefined=StrictUndefined,
        autoescape=False,  # finalize escapes for Markdown, which HTML escaping alone does not cover
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        md=md, title=title, html=html_text, url=safe_url, url_host=url_host, slug=slug, percent=percent, number=number, cn_date=cn_date, yuan=yuan,
        nowrap=nowrap, shares_note=satisfaction_note,
    )
    return env


def _finalize_html(value: Any) -> Any:
    return Markup("") if value is None else value


def make_html_environment(extra_dir: str | Path | None = None) -> Environment:
    """The environment of documents that are HTML and never Markdown (the printed
    惠企政策汇编): the same templates and overrides, strict, and every value
    HTML-escaped by jinja2's autoescape (a template marks what it builds itself)."""
    env = Environment(
        loader=_loader(extra_dir),
        undefined=StrictUndefined,
        autoescape=True,
        finalize=_finalize_html,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(number=number, cn_date=cn_date, url=safe_url)
    return env
