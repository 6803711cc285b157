"""The workflow's products on one self-contained HTML page (``results/report.html``): every table
(the HTML the table rules wrote) and every figure (PNG, embedded), each in a section a reader and a
browser test can find by its id.

When the page has loaded, a small script records on ``<body>`` how many images it holds, which of
them did not decode (``data-broken``) and any script error (``data-errors``), then sets
``data-checked``: a headless browser that dumps the DOM sees whether the page rendered.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

_STYLE = (
    "body{font-family:sans-serif;margin:1.5em;max-width:90em}section{margin:2em 0;border-top:1px solid #999}"
    "table{border-collapse:collapse;margin:1em 0}caption{font-weight:bold;text-align:left;padding-bottom:.5em}"
    "th,td{padding:.2em .6em;border-bottom:1px solid #ccc;text-align:left}.right{text-align:right}"
    ".note{font-size:90%;color:#333}img{max-width:100%;height:auto}nav a{margin-right:1em}"
)
_CHECK = """<script>
(function () {
  var errors = [];
  window.addEventListener('error', function (event) { errors.push(String(event.message)); });
  window.addEventListener('load', function () {
    var images = Array.prototype.slice.call(document.images);
    var broken = images.filter(function (i) { return !(i.complete && i.naturalWidth > 0); });
    document.body.dataset.images = String(images.length);
    document.body.dataset.broken = broken.map(function (i) { return i.alt; }).join('|');
    document.body.dataset.errors = errors.join('|');
    document.body.dataset.checked = 'yes';
  });
})();
</script>"""
_BODY = re.compile(r"<body>(.*)</body>", re.DOTALL)


def body_of(page: str) -> str:
    """What lies between <body> and </body> of an HTML page written by the products."""
    match = _BODY.search(page)
    if match is None:
        raise ValueError("not an HTML page with a <body>")
    return match.group(1)


def report_page(title: str, sections: list[tuple[str, str, Path]], intro: str = "") -> str:
    """The page: ``sections`` are (id, heading, file), a file being an HTML page (its body is
    inlined) or a PNG figure (embedded as a data URI)."""
    parts, links = [], []
    for section_id, heading, path in sections:
        path = Path(path)
        if path.suffix == ".png":
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            content = f'<img alt="{html.escape(section_id)}" src="data:image/png;base64,{data}">'
        else:
            content = body_of(path.read_text(encoding="utf-8"))
        links.append(f'<a href="#{section_id}">{html.escape(heading)}</a>')
        parts.append(f'<section id="{section_id}"><h2>{html.escape(heading)}</h2>\n{content}\n</section>')
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style>{_CHECK}</head><body>\n<h1>{html.escape(title)}</h1>\n"
        f"<p>{html.escape(intro)}</p>\n<nav>{' '.join(links)}</nav>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )
