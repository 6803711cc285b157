"""Tables and notes for people, and their Markdown, LaTeX and HTML: a :class:`Grid` of
:class:`Cell` s with a caption, spanning column groups and notes; a document is a list of grids and
(kind, text) blocks."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

from ..fileio.files import write_text


@dataclass
class Cell:
    """One table cell: a number (with a std over seeds, NaN when not shown) or a text, bold and a
    mark (a symbol set after it, e.g. a dagger)."""

    value: float | str
    std: float = math.nan
    bold: bool = False
    mark: str = ""

    def text(self) -> str:
        if isinstance(self.value, str):
            return self.value
        if not math.isfinite(self.value):
            return "–"
        return f"{self.value:.1f}" + (f" ± {self.std:.1f}" if math.isfinite(self.std) else "")


@dataclass
class Grid:
    """A table for people: a caption, the column names (the first names the row labels), optional
    spanning groups over the other columns ((name, span) pairs), rows of cells, and notes (an
    empty one is left out)."""

    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    groups: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_NUMBER = re.compile(r"[-\d.,]+|–")


def _alignments(grid: Grid) -> list[str]:
    """ "left" or "right" per column: right where every cell is a number."""
    return ["left"] + [
        "right"
        if all(not isinstance(row[i].value, str) or _NUMBER.fullmatch(row[i].value) for row in grid.rows)
        else "left"
        for i in range(1, len(grid.columns))
    ]


def _header(grid: Grid) -> list[str]:
    """Column names with their group, for formats without spanning headers."""
    names = [grid.columns[0]]
    position = 1
    for group, span in grid.groups or [("", len(grid.columns) - 1)]:
        names += [f"{group}: {c}" if group else c for c in grid.columns[position : position + span]]
        position += span
    return names


def markdown(blocks) -> str:
    """Markdown of a document: a list of grids and (kind, text) blocks, kind "h1", "h2" or "p"."""
    parts = []
    for block in blocks:
        if isinstance(block, Grid):
            lines = [
                f"**{block.caption}**",
                "",
                "| " + " | ".join(_header(block)) + " |",
                "|" + "|".join("---:" if a == "right" else "---" for a in _alignments(block)) + "|",
            ]
            for row in block.rows:
                lines.append(
                    "| "
                    + " | ".join((f"**{c.text()}**" if c.bold else c.text()) + c.mark for c in row)
                    + " |"
                )
            lines += [""] + [f"{note}  " for note in block.notes if note]
            parts.append("\n".join(lines).rstrip())
        else:
            kind, text = block
            parts.append({"h1": "# ", "h2": "## ", "p": ""}[kind] + text)
    return "\n\n".join(parts) + "\n"


_TEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "±": r"$\pm$",
    "×": r"$\times$",
    "ρ": r"$\rho$",
    "α": r"$\alpha$",
    "†": r"$^{\dagger}$",
    "‡": r"$^{\ddagger}$",
    "≥": r"$\geq$",
    "–": "--",
    "≤": r"$\leq$",
    "<": r"$<$",
    ">": r"$>$",
}


def tex(text: str) -> str:
    """LaTeX for plain text: special characters escaped, the symbols used here as math."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)


def latex(grids) -> str:
    """LaTeX (booktabs) table environments, one per grid."""
    parts = []
    for grid in grids:
        lines = [
            r"\begin{table}[ht]",
            r"\centering",
            rf"\caption{{{tex(grid.caption)}}}",
            r"\begin{tabular}{" + "".join(a[0] for a in _alignments(grid)) + "}",
            r"\toprule",
        ]
        if grid.groups:
            spans, rules, start = [], [], 2
            for name, span in grid.groups:
                spans.append(rf"\multicolumn{{{span}}}{{c}}{{{tex(name)}}}")
                rules.append(rf"\cmidrule(lr){{{start}-{start + span - 1}}}")
                start += span
            lines += [" & " + " & ".join(spans) + r" \\", " ".join(rules)]
        lines += [" & ".join(tex(c) for c in grid.columns) + r" \\", r"\midrule"]
        for row in grid.rows:
            cells = [(rf"\textbf{{{tex(c.text())}}}" if c.bold else tex(c.text())) + tex(c.mark) for c in row]
            lines.append(" & ".join(cells) + r" \\")
        lines += [r"\bottomrule", r"\end{tabular}"]
        lines += [r"\par\smallskip\footnotesize " + tex(note) for note in grid.notes if note]
        lines.append(r"\end{table}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


_HTML_STYLE = (
    "body{font-family:sans-serif;margin:1.5em;max-width:72em}table{border-collapse:collapse;margin:1em 0}"
    "caption{font-weight:bold;text-align:left;padding-bottom:.5em}th,td{padding:.2em .6em;"
    "border-bottom:1px solid #ccc;text-align:left}.right{text-align:right}"
    ".note{font-size:90%;color:#333}"
)


def html_page(blocks, title: str) -> str:
    """A self-contained HTML page of a document (the blocks of :func:`markdown`)."""
    body = []
    for block in blocks:
        if isinstance(block, Grid):
            rows = [f"<caption>{html.escape(block.caption)}</caption>"]
            if block.groups:
                rows.append(
                    "<tr><th></th>"
                    + "".join(f'<th colspan="{span}">{html.escape(name)}</th>' for name, span in block.groups)
                    + "</tr>"
                )
            rows.append("<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in block.columns) + "</tr>")
            alignments = _alignments(block)
            for row in block.rows:
                cells = [
                    (f"<b>{html.escape(c.text())}</b>" if c.bold else html.escape(c.text())) + c.mark
                    for c in row
                ]
                rows.append(
                    "<tr>" + "".join(f'<td class="{a}">{c}</td>' for a, c in zip(alignments, cells)) + "</tr>"
                )
            body.append("<table>\n" + "\n".join(rows) + "\n</table>")
            body += [f'<p class="note">{html.escape(note)}</p>' for note in block.notes if note]
        else:
            kind, text = block
            body.append(f"<{kind}>{html.escape(text)}</{kind}>")
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_HTML_STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def write_document(blocks, title: str, md_path, html_path, tex_path=None) -> None:
    """Write a document to Markdown and HTML files and, given ``tex_path``, its grids to LaTeX."""
    write_text(markdown(blocks), md_path)
    write_text(html_page(blocks, title), html_path)
    if tex_path is not None:
        write_text(latex([b for b in blocks if isinstance(b, Grid)]), tex_path)
