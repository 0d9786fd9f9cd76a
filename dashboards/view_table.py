"""The small view model of a dashboard table: headings, cells of already-formatted text with
the raw number behind each number cell (``data-value``, what the CSV download takes), optional
sub-lines and pills. ``templates/table.html`` lays it out; pages only fill these in.

>>> cell = Cell.number("1.234,50 €", 1234.5)
>>> cell.text, cell.value, cell.left
('1.234,50 €', 1234.5, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboards.page import plotly_text
from kpi.language.format import as_number


@dataclass(frozen=True)
class Pill:
    """A coloured label: ``kind`` is good, warn, bad or flat."""

    text: str
    kind: str = "flat"


@dataclass(frozen=True)
class Cell:
    """One table cell: ``text`` as shown, ``value`` the raw number (None for text cells),
    ``subs`` small grey lines under it, ``pills`` labels under it, ``left`` text alignment."""

    text: str
    value: float | None = None
    left: bool = False
    subs: tuple[str, ...] = ()
    pills: tuple[Pill, ...] = ()

    @classmethod
    def number(cls, text: str, value: object, *, subs: tuple[str, ...] = (),
               pills: tuple[Pill, ...] = ()) -> Cell:
        """A number cell; ``value`` kept only when it is a finite number."""
        number = as_number(value)
        return cls(text, number if number is not None and math.isfinite(number) else None,
                   False, subs, pills)

    @classmethod
    def label(cls, text: str, *, subs: tuple[str, ...] = (), left: bool = True) -> Cell:
        """A text cell (a name): left-aligned."""
        return cls(text, None, left, subs)


@dataclass(frozen=True)
class Head:
    text: str
    left: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a CSV name (the file the download gets), its headings, rows and footer."""

    name: str
    heads: tuple[Head, ...]
    rows: tuple[tuple[Cell, ...], ...]
    foot: tuple[Cell, ...] | None = None


def heads(texts: list[str], left: int = 1) -> tuple[Head, ...]:
    """Headings, the first ``left`` of them over text columns."""
    return tuple(Head(text, i < left) for i, text in enumerate(texts))


def wrap_label(text: str, width: int, lines: int = 2) -> str:
    """A Plotly axis label on at most ``lines`` lines of about ``width`` characters (escaped,
    joined by ``<br>``; the rest cut with an ellipsis), so that long names leave room for the
    bars on a phone. A line broken at a space keeps it, so the label's text is the name.

    >>> wrap_label("Search – Warmtepompen – Nederlandstalig", 16)
    'Search – <br>Warmtepompen –…'
    >>> wrap_label("<b>Bold</b> & <i>Co</i>", 16)
    '&lt;b&gt;Bold&lt;/b&gt; &amp; <br>&lt;i&gt;Co&lt;/i&gt;'
    """
    out: list[str] = []
    line = ""
    for word in text.split(" "):
        while len(word) > width:  # a long word alone: cut it into pieces
            if line:
                out.append(line + " ")
                line = ""
            out.append(word[:width])
            word = word[width:]
        if line and len(line) + 1 + len(word) > width:
            out.append(line + " ")
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.append(line)
    if len(out) > lines:
        last = "".join(out[lines - 1:])
        out = [*out[:lines - 1], last[:width - 1].rstrip() + "…"]
    return "<br>".join(plotly_text(part) for part in out if part)


@dataclass(frozen=True)
class Tile:
    """A headline figure: label, value, small lines and pills under it."""

    label: str
    value: str
    lines: tuple[str, ...] = ()
    pills: tuple[Pill, ...] = ()


@dataclass(frozen=True)
class Empty:
    """What a section says when it has nothing to show, and what to do about it."""

    title: str
    hint: str = ""


@dataclass(frozen=True)
class Chart:
    """A figure's place on the page: its placeholder id, title, description and height."""

    fig_id: str
    height: int
    title: str = ""
    desc: str = ""
