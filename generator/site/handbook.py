"""The printed 惠企政策汇编 as a PDF, from the HTML ``render/handbook.py`` makes.

Why WeasyPrint and not Typst: the handbook is one more document of the
project's templates (jinja2 with autoescape and StrictUndefined, overridable
with ``--templates`` like every page), so a cell is escaped by the rule every
HTML page already follows, and no second markup language (Typst's, with its
own ``#``, ``$``, ``@`` and ``<label>`` syntax) needs an escaper of its own to
keep a cell from becoming code. Debian's Pango shapes the Chinese text with
the system's fonts (``fonts-noto-cjk``), which are embedded as subsets, so the
text can be searched and extracted. The cost is speed and memory: the
example's 58 policies take some 15 s, 2,000 policies about 6 minutes of CPU
and 4 GB (``benchmarks/handbook.py``, RESULTS.md), acceptable for an edition
printed a few times a year, which is why it is a command of its own and not
a part of every ``build``.

Nothing is fetched: the fetcher allows ``data:`` URLs only (the QR codes),
so an address in an overridden template is refused and reported, never
requested. Before the PDF is made, the HTML is scanned by the leak guard for
every internal value of the workbook, as the public site is; the PDF is
written beside its name and moved into place, so a failed run leaves the last
one whole.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.cells import url_problem
from ..errors import ConfigError, LeakError
from ..i18n import _
from .build import mkdocs_settings
from .leakguard import Leak, scan


def site_address(config_file: Path, given: str | None) -> tuple[str, bool]:
    """The public site's base address (``--site-url``, else ``site_url`` of
    mkdocs.yml) and whether its pages are folders (``use_directory_urls``)."""
    config = mkdocs_settings(config_file)
    address = (given or str(config.get("site_url") or "")).strip()
    if not address:
        raise ConfigError(_("The handbook's QR codes lead to the public site, and its address is unknown: "
                            "give it with --site-url https://… or set site_url in {config}").format(config=config_file))
    if url_problem(address) is not None:
        raise ConfigError(_("{address} is not a web address (http:// or https:// and a host name): "
                            "check --site-url or site_url in {config}").format(address=address, config=config_file))
    return address, config.get("use_directory_urls", True) is not False


@dataclass
class WrittenHandbook:
    path: Path
    pages: int
    refused: list[str] = field(default_factory=list)  # addresses a template asked for, not fetched


def _fetcher(refused: list[str]) -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        """Only ``data:`` URLs; every other address is refused (and noted)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.lower().startswith("data:"):
                refused.append(url)
                raise ValueError(f"not fetched: {url}")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols={"data"}, allow_redirects=False)


def _leaks(html: str, internal: dict[str, str]) -> list[Leak]:
    with tempfile.TemporaryDirectory(prefix="nuanqi-handbook-") as tmp:
        (Path(tmp) / "handbook.html").write_text(html, encoding="utf-8")
        return scan(Path(tmp), internal)


def _leak_message(leaks: list[Leak], limit: int = 10) -> str:
    lines = [_("Internal data appears in the handbook; no PDF was written ({count} places):").format(count=len(leaks))]
    for leak in leaks[:limit]:
        lines.append("  " + _("the content of {origin} ({value})").format(origin=leak.origin, value=leak.value[:30]))
    if len(leaks) > limit:
        lines.append("  " + _("… and {count} more").format(count=len(leaks) - limit))
    return "\n".join(lines)


def write_handbook(html: str, out: Path, internal: dict[str, str] | None = None) -> WrittenHandbook:
    """The PDF of ``html`` into ``out``. ``internal`` (value -> origin): the
    leak guard's values; a hit raises LeakError and writes nothing."""
    leaks = _leaks(html, internal) if internal else []
    if leaks:
        raise LeakError(_leak_message(leaks))
    from weasyprint import HTML

    refused: list[str] = []
    document = HTML(string=html, url_fetcher=_fetcher(refused)).render()
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            document.write_pdf(fh)
        os.chmod(name, 0o644)  # mkstemp's 0600 would keep a file meant for handing out from others
        os.replace(name, out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return WrittenHandbook(out, len(document.pages), sorted(set(refused)))
