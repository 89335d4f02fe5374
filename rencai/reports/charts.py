"""Small server-side SVG charts for the annual report and white paper: the PDF gets real vector charts with the
same CJK font as the text, and no browser or JavaScript is needed to render them."""

from __future__ import annotations

from html import escape

PALETTE = ["#1f6feb", "#d1242f", "#1a7f37", "#bf8700", "#8250df", "#0a7f86", "#cf4a00", "#57606a"]
FONT = "font-family=\"Noto Sans SC, sans-serif\""


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(items: list[tuple[str, float]], *, title: str = "", width: int = 640, bar_height: int = 22,
              color: str = PALETTE[0], label_width: int = 190) -> str:
    """Horizontal bars, one per (label, value), value printed at the end of each bar."""
    items = list(items)
    top = 30 if title else 8
    height = top + max(1, len(items)) * (bar_height + 8) + 10
    peak = _nice_max(max((v for _, v in items), default=0))
    plot = width - label_width - 70
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
              f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">')]
    if title:
        parts.append(f'<text x="0" y="18" {FONT} font-size="14" font-weight="bold" fill="#1f2328">{escape(title)}</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + 8)
        w = 0 if peak == 0 else max(1.0, plot * float(value) / peak) if value else 0
        parts.append(f'<text x="{label_width - 6}" y="{y + bar_height * 0.72:.1f}" {FONT} font-size="12" '
                     f'text-anchor="end" fill="#1f2328">{escape(str(label) if len(str(label)) <= 13 else str(label)[:12] + "…")}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{color}" rx="2"/>')
        parts.append(f'<text x="{label_width + w + 4:.1f}" y="{y + bar_height * 0.72:.1f}" {FONT} font-size="12" '
                     f'fill="#57606a">{_fmt(float(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(categories: list, series: list[tuple[str, list[float]]], *, title: str = "", width: int = 640,
               height: int = 260) -> str:
    """A line chart with a legend: one line per (name, values) over the categories (years)."""
    left, right, top, bottom = 56, 16, 54 if title else 28, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((v for _, vs in series for v in vs), default=0))
    n = max(1, len(categories) - 1)
    parts = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
              f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">')]
    if title:
        parts.append(f'<text x="0" y="18" {FONT} font-size="14" font-weight="bold" fill="#1f2328">{escape(title)}</text>')
    for k in range(5):
        value = peak * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d7de" stroke-width="0.6"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" {FONT} font-size="11" text-anchor="end" fill="#57606a">'
                     f'{_fmt(value)}</text>')
    for i, category in enumerate(categories):
        x = left + plot_w * i / n
        parts.append(f'<text x="{x:.1f}" y="{height - 10}" {FONT} font-size="11" text-anchor="middle" fill="#57606a">'
                     f'{escape(str(category))}</text>')
    legend_x = left
    for s, (name, values) in enumerate(series):
        color = PALETTE[s % len(PALETTE)]
        points = " ".join(f"{left + plot_w * i / n:.1f},{top + plot_h - plot_h * float(v) / peak:.1f}"
                          for i, v in enumerate(values))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(values):
            parts.append(f'<circle cx="{left + plot_w * i / n:.1f}" cy="{top + plot_h - plot_h * float(v) / peak:.1f}" '
                         f'r="2.5" fill="{color}"/>')
        ly = 40 if title else 14
        parts.append(f'<rect x="{legend_x}" y="{ly - 8}" width="12" height="4" fill="{color}"/>')
        parts.append(f'<text x="{legend_x + 16}" y="{ly - 3}" {FONT} font-size="11" fill="#1f2328">{escape(name)}</text>')
        legend_x += 24 + 13 * len(name)
    parts.append("</svg>")
    return "".join(parts)
