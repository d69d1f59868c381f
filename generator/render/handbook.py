"""The printed 惠企政策汇编 as one HTML document, for the PDF writer
(``site/handbook.py``): ``handbook/handbook.html.j2`` and its stylesheet
``handbook/handbook.css`` (both overridable with ``--templates``), rendered
with the HTML environment (autoescape, StrictUndefined), so a cell's text is
text in the document whatever it holds.

Each policy's QR code (to its page on the public site) is made here, with
segno, as a PNG in a ``data:`` URL: nothing is fetched, and the PDF writer
allows no other kind of URL. A PNG of one pixel per module (some 300 bytes),
not an SVG: WeasyPrint lays out 2,000 inline SVGs in some 40 s more, and an
image drawn without smoothing (``image-rendering: pixelated``, which the PDF
marks ``/Interpolate false``) prints each module as a sharp square at any size."""

from __future__ import annotations

import functools
from pathlib import Path

import segno
from markupsafe import Markup

from .environment import make_html_environment
from .views.handbook import HandbookView

TEMPLATE = "handbook/handbook.html.j2"
STYLESHEET = "handbook/handbook.css"
# One pixel per module (the page scales it, unsmoothed), and the quiet zone of four modules the standard asks for.
QR_SCALE = 1
QR_BORDER = 4


@functools.lru_cache(maxsize=4096)
def qr_data_url(address: str) -> Markup:
    """A QR code of ``address`` (error correction M, which survives a smudge) as
    a ``data:image/png`` URL."""
    code = segno.make(address, error="m", micro=False)
    return Markup(code.png_data_uri(scale=QR_SCALE, border=QR_BORDER))


def render_handbook(view: HandbookView, templates: Path | None = None) -> str:
    env = make_html_environment(templates)
    env.filters["qr"] = qr_data_url
    assert env.loader is not None
    stylesheet, _name, _uptodate = env.loader.get_source(env, STYLESHEET)
    return env.get_template(TEMPLATE).render(view=view, stylesheet=Markup(stylesheet))
