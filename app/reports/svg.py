"""A small server-side SVG chart renderer: columns (single or stacked), horizontal bars, lines.

The charts are drawn on the server so that they work offline, without JavaScript and under the
Content-Security-Policy (no inline style: colours are presentation attributes, sizes come from
`.chart-svg` in app.css). Each chart is an image with a name and a description (`role="img"`,
`<title>`, `<desc>`, `aria-labelledby`); the figures themselves are in the table printed beside it
(templates/reports/_chart.html), which is what a screen reader reads.

Colour is never the only carrier of meaning: the series use the Okabe–Ito palette (distinct for the
common colour-vision deficiencies) *and* a fill pattern each (solid, stripes, dots, cross-hatch),
repeated in the legend; lines use a different marker shape per series; values are written on the
chart. The drawing is 360 units wide, about a phone's width, so that its text stays readable when it
scales down; the stylesheet caps how wide it grows on a large screen.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from app.formatting import format_number

WIDTH = 360
FONT = 12  # user units: about 11 px on a phone, 15–18 px at most on a large screen
TEXT = "#212529"
MUTED = "#495057"
GRID = "#ced4da"

# Okabe & Ito (2008): blue, vermilion, bluish green, reddish purple, orange, sky blue; with the dark
# shade used for the pattern of each.
PALETTE = [
    ("#0072b2", "#003f63"),
    ("#d55e00", "#7a3600"),
    ("#009e73", "#00553e"),
    ("#cc79a7", "#7a3f60"),
    ("#e69f00", "#7a5400"),
    ("#56b4e9", "#1d6a96"),
]
PATTERNS = ("solid", "stripes", "dots", "cross")
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class Value:
    """One figure: the number drawn (None: nothing drawn) and the text written for it."""

    number: float | None
    text: str


def count(n: int | None) -> Value:
    """A count, written the Vietnamese way (1.234)."""
    n = n or 0
    return Value(n, format_number(n))


def percent(p: float | None, empty: str = "—") -> Value:
    """A percentage with one decimal (88,8%), or `empty` when there is nothing to divide."""
    if p is None:
        return Value(None, empty)
    return Value(p, f"{format_number(p, 1)}%")


def hidden(text: str) -> Value:
    """A figure that is not published (too few to show): nothing drawn, `text` written."""
    return Value(None, text)


@dataclass(frozen=True)
class Series:
    """A named row of values, one per category. `plotted=False`: in the table only."""

    key: str
    label: str
    values: tuple[Value, ...]
    plotted: bool = True


@dataclass(frozen=True)
class Chart:
    """What to draw, and the table that goes with it.

    shape: "columns" (vertical, stacked when several series are plotted), "bars" (horizontal, for
    long category names; one series) or "line" (e.g. a rate per quarter).
    """

    id: str
    title: str
    description: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    shape: str = "columns"
    percent: bool = False
    category_header: str = ""
    axis_labels: tuple[str, ...] | None = None  # shorter labels under the columns (T1 … T12)
    totals: tuple[Value, ...] | None = None  # a last "Tổng" column in the table
    totals_label: str = ""
    footer_label: str = ""  # a last row of the table (e.g. the whole year)
    footer: tuple[Value, ...] = field(default=())  # one per series, then the total if `totals`
    note: str = ""
    empty_text: str = ""
    empty: bool | None = None  # set by a builder that knows better (e.g. every rate hidden, yet cases)

    @property
    def plotted(self) -> tuple[Series, ...]:
        return tuple(s for s in self.series if s.plotted)

    @property
    def is_empty(self) -> bool:
        """Nothing to show (then the page says `empty_text`): by default, no number above zero."""
        if self.empty is not None:
            return self.empty
        return not self.categories or not any(v.number for s in self.series for v in s.values)

    def svg(self) -> Markup:
        """The chart as inline SVG markup."""
        return render(self)


# --- helpers ---------------------------------------------------------------------------------

def _num(x: float) -> str:
    """A coordinate, short."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _attrs(**kw) -> str:
    parts = []
    for k, v in kw.items():
        if v is None:
            continue
        parts.append(f'{k.rstrip("_").replace("_", "-")}="{escape(v if isinstance(v, str) else _num(v))}"')
    return " ".join(parts)


def _el(tag: str, body: str | None = None, **kw) -> str:
    a = _attrs(**kw)
    if body is None:
        return f"<{tag} {a}/>"
    return f"<{tag} {a}>{body}</{tag}>"


def _text(x: float, y: float, s: str, *, anchor: str = "start", size: float = FONT, fill: str = TEXT,
          weight: str | None = None, cls: str | None = None) -> str:
    return _el("text", str(escape(s)), x=x, y=y, text_anchor=anchor, font_size=size, fill=fill,
               font_weight=weight, class_=cls)


def _nice_step(top: float) -> float:
    """A round step giving about four gridlines up to `top` (1, 2 or 5 × 10ⁿ; at least 1)."""
    if top <= 4:
        return 1
    raw = top / 4
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _axis_top(top: float, percent: bool) -> tuple[float, float]:
    if percent:
        return 100, 25
    step = _nice_step(top)
    return max(step, step * math.ceil(top / step)), step


def _fill(chart: Chart, index: int) -> str:
    """The fill of series `index`: its colour, or the pattern defined for it in <defs>."""
    if PATTERNS[index % len(PATTERNS)] == "solid":
        return PALETTE[index % len(PALETTE)][0]
    return f"url(#{chart.id}-p{index})"


def _defs(chart: Chart, count_: int) -> str:
    """One pattern per series after the first: stripes, dots, cross-hatch over the series' colour."""
    out = []
    for i in range(count_):
        kind = PATTERNS[i % len(PATTERNS)]
        if kind == "solid":
            continue
        light, dark = PALETTE[i % len(PALETTE)]
        pid = f"{chart.id}-p{i}"
        if kind == "stripes":
            body = _el("rect", width=6, height=6, fill=light) + _el("rect", width=2.5, height=6, fill=dark)
            out.append(_el("pattern", body, id=pid, width=6, height=6, patternUnits="userSpaceOnUse",
                           patternTransform="rotate(45)"))
        elif kind == "dots":
            body = _el("rect", width=6, height=6, fill=light) + _el("circle", cx=3, cy=3, r=1.5, fill=dark)
            out.append(_el("pattern", body, id=pid, width=6, height=6, patternUnits="userSpaceOnUse"))
        else:
            body = (_el("rect", width=6, height=6, fill=light) + _el("rect", width=6, height=1.5, fill=dark)
                    + _el("rect", width=1.5, height=6, fill=dark))
            out.append(_el("pattern", body, id=pid, width=6, height=6, patternUnits="userSpaceOnUse"))
    return _el("defs", "".join(out)) if out else ""


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return _el("circle", cx=x, cy=y, r=4, fill=colour, stroke="#fff", stroke_width=1)
    if shape == "square":
        return _el("rect", x=x - 4, y=y - 4, width=8, height=8, fill=colour, stroke="#fff", stroke_width=1)
    if shape == "triangle":
        pts = f"{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y + 4)} {_num(x - 5)},{_num(y + 4)}"
        return _el("polygon", points=pts, fill=colour, stroke="#fff", stroke_width=1)
    pts = f"{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y)} {_num(x)},{_num(y + 5)} {_num(x - 5)},{_num(y)}"
    return _el("polygon", points=pts, fill=colour, stroke="#fff", stroke_width=1)


def _legend(chart: Chart, y: float, *, line: bool = False) -> tuple[str, float]:
    """A legend flowing over as many rows as it needs; returns its markup and its height."""
    series = chart.plotted
    if len(series) < 2:
        return "", 0
    out, x, row_h = [], 0.0, FONT + 6
    rows = 1
    for i, s in enumerate(series):
        width = 16 + len(s.label) * FONT * 0.55 + 12
        if x and x + width > WIDTH:
            x, rows = 0.0, rows + 1
        top = y + (rows - 1) * row_h
        if line:
            colour = PALETTE[i % len(PALETTE)][0]
            out.append(_el("line", x1=x, y1=top + 6, x2=x + 12, y2=top + 6, stroke=colour, stroke_width=2))
            out.append(_marker(MARKERS[i % len(MARKERS)], x + 6, top + 6, colour))
        else:
            out.append(_el("rect", x=x, y=top, width=12, height=12, fill=_fill(chart, i), stroke=TEXT,
                           stroke_width=0.5))
        out.append(_text(x + 16, top + 11, s.label))
        x += width
    return _el("g", "".join(out), class_="chart-legend"), rows * row_h + 4


def _y_axis(top: float, step: float, left: float, right: float, y0: float, plot_h: float,
            percent: bool) -> str:
    out = []
    v = 0.0
    while v <= top + 1e-9:
        y = y0 - plot_h * v / top
        out.append(_el("line", x1=left, y1=y, x2=right, y2=y, stroke=GRID, stroke_width=0.75))
        label = f"{format_number(v)}%" if percent else format_number(v)
        out.append(_text(left - 4, y + 3.5, label, anchor="end", size=FONT - 1, fill=MUTED))
        v += step
    out.append(_el("line", x1=left, y1=y0, x2=right, y2=y0, stroke=TEXT, stroke_width=1))
    return "".join(out)


# --- the three shapes ------------------------------------------------------------------------

def _columns(chart: Chart) -> tuple[str, float]:
    series = chart.plotted
    n = len(chart.categories)
    legend, legend_h = _legend(chart, 0)
    left, right = 40.0, WIDTH - 4
    top_pad = legend_h + 18
    plot_h = 160.0
    y0 = top_pad + plot_h
    sums = [sum((s.values[i].number or 0) for s in series) for i in range(n)]
    top, step = _axis_top(max(sums, default=0), chart.percent)
    out = [legend, _y_axis(top, step, left, right, y0, plot_h, chart.percent)]
    slot = (right - left) / max(n, 1)
    bar_w = min(slot * 0.7, 40)
    labels = chart.axis_labels or chart.categories
    for i in range(n):
        cx = left + slot * (i + 0.5)
        y = y0
        for j, s in enumerate(series):
            v = s.values[i].number
            if not v:
                continue
            h = plot_h * v / top
            out.append(_el("rect", x=cx - bar_w / 2, y=y - h, width=bar_w, height=h, fill=_fill(chart, j),
                           stroke="#fff", stroke_width=0.75))
            y -= h
        if len(series) == 1:
            text = series[0].values[i].text
        else:
            text = format_number(sums[i]) if sums[i] else ""
        if text and (sums[i] or len(series) == 1):
            out.append(_text(cx, y - 3, text, anchor="middle", size=FONT - 1))
        out.append(_text(cx, y0 + FONT + 3, labels[i], anchor="middle", size=FONT - 1, fill=MUTED))
    return "".join(out), y0 + FONT + 8


def _bars(chart: Chart) -> tuple[str, float]:
    s = chart.plotted[0]
    label_h, bar_h, gap = FONT + 4, 14.0, 9.0
    left, right = 0.0, WIDTH - 48
    top = max((v.number or 0 for v in s.values), default=0)
    top = top or 1
    if chart.percent:
        top = 100
    out, y = [], 0.0
    max_chars = int(WIDTH / (FONT * 0.52))
    for i, name in enumerate(chart.categories):
        shown = name if len(name) <= max_chars else name[:max_chars - 1].rstrip() + "…"
        out.append(_text(0, y + FONT, shown))
        by = y + label_h
        v = s.values[i]
        w = (right - left) * (v.number or 0) / top
        out.append(_el("rect", x=left, y=by, width=right - left, height=bar_h, fill="#f1f3f5"))
        if w:
            out.append(_el("rect", x=left, y=by, width=w, height=bar_h, fill=_fill(chart, 0)))
        out.append(_text(left + w + 4, by + bar_h - 3, v.text, weight="600"))
        y = by + bar_h + gap
    return "".join(out), y


def _line(chart: Chart) -> tuple[str, float]:
    series = chart.plotted
    n = len(chart.categories)
    legend, legend_h = _legend(chart, 0, line=True)
    left, right = 40.0, WIDTH - 8
    top_pad = legend_h + 18
    plot_h = 150.0
    y0 = top_pad + plot_h
    highest = max((v.number or 0 for s in series for v in s.values), default=0)
    top, step = _axis_top(highest, chart.percent)
    out = [legend, _y_axis(top, step, left, right, y0, plot_h, chart.percent)]
    slot = (right - left) / max(n, 1)
    xs = [left + slot * (i + 0.5) for i in range(n)]
    labels = chart.axis_labels or chart.categories
    for j, s in enumerate(series):
        colour = PALETTE[j % len(PALETTE)][0]
        points = [(xs[i], y0 - plot_h * v.number / top) if v.number is not None else None
                  for i, v in enumerate(s.values)]
        run: list[tuple[float, float]] = []
        for p in points + [None]:  # a missing value breaks the line
            if p is None:
                if len(run) > 1:
                    out.append(_el("polyline", points=" ".join(f"{_num(x)},{_num(y)}" for x, y in run),
                                   fill="none", stroke=colour, stroke_width=2,
                                   stroke_dasharray=None if j == 0 else "5 3"))
                run = []
            else:
                run.append(p)
        for i, p in enumerate(points):
            if p is None:
                out.append(_text(xs[i], y0 - 4, s.values[i].text, anchor="middle", size=FONT - 1, fill=MUTED))
                continue
            out.append(_marker(MARKERS[j % len(MARKERS)], p[0], p[1], colour))
            out.append(_text(p[0], p[1] - 8, s.values[i].text, anchor="middle", size=FONT - 1, weight="600"))
    for i in range(n):
        out.append(_text(xs[i], y0 + FONT + 3, labels[i], anchor="middle", size=FONT - 1, fill=MUTED))
    return "".join(out), y0 + FONT + 8


SHAPES = {"columns": _columns, "bars": _bars, "line": _line}


def render(chart: Chart) -> Markup:
    """The chart as an `<svg>` element: an image named by its title and described by its desc."""
    body, height = SHAPES[chart.shape](chart)
    title_id, desc_id = f"{chart.id}-svg-title", f"{chart.id}-svg-desc"
    head = (_el("title", str(escape(chart.title)), id=title_id)
            + _el("desc", str(escape(chart.description)), id=desc_id))
    defs = _defs(chart, len(chart.plotted))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-{escape(chart.shape)}" '
           f'viewBox="0 0 {WIDTH} {_num(height)}" role="img" aria-labelledby="{title_id} {desc_id}" '
           f'focusable="false" font-family="system-ui, sans-serif">'
           f"{head}{defs}{body}</svg>")
    return Markup(svg)
