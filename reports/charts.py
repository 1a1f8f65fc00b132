"""Server-rendered SVG charts: no JavaScript library, no CDN (the network is closed)."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

SVG_OPEN = (
    '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" height="{}"><title>{}</title>'
)


def hbar_chart(
    items: list[tuple[str, float, str]], *, maximum: float = 1.0, title: str = "", target: float | None = None
) -> SafeString:
    """Horizontal bars: (label, value, value text). `maximum` scales the bars; `target` draws a line."""
    row_h, label_w, bar_w = 26, 260, 360
    height = row_h * len(items) + 10
    bars = []
    for i, (label, value, text) in enumerate(items):
        y = 5 + i * row_h
        width = 0 if maximum <= 0 else max(0.0, min(1.0, value / maximum)) * bar_w
        bars.append((label_w - 8, y + 17, label, label_w, y + 4, f"{width:.1f}", label_w + width + 6, y + 17, text))
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="18" class="chart-bar"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}</text>',
        bars,
    )
    line = ""
    if target is not None and maximum > 0:
        x = label_w + min(1.0, target / maximum) * bar_w
        line = format_html(
            '<line x1="{}" y1="0" x2="{}" y2="{}" class="chart-target"></line>', f"{x:.1f}", f"{x:.1f}", height
        )
    return format_html(
        SVG_OPEN + "{}{}</svg>",
        title,
        label_w + bar_w + 80,
        height,
        height,
        title,
        body,
        line,
    )


def column_chart(items: list[tuple[str, float]], *, title: str = "") -> SafeString:
    """Vertical columns, e.g. completions by month."""
    col_w, gap, chart_h = 36, 10, 160
    maximum = max([v for _label, v in items] + [1])
    cols = []
    for i, (label, value) in enumerate(items):
        h = value / maximum * chart_h
        x = 10 + i * (col_w + gap)
        cols.append(
            (
                x,
                f"{chart_h - h + 20:.1f}",
                col_w,
                f"{h:.1f}",
                x + col_w / 2,
                chart_h + 36,
                label,
                x + col_w / 2,
                f"{chart_h - h + 15:.1f}",
                f"{value:g}",
            )
        )
    body = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar"></rect>'
        '<text x="{}" y="{}" text-anchor="middle" class="chart-label">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" class="chart-value">{}</text>',
        cols,
    )
    width = 20 + len(items) * (col_w + gap)
    return format_html(
        SVG_OPEN + "{}</svg>",
        title,
        width,
        chart_h + 50,
        chart_h + 50,
        title,
        body,
    )
