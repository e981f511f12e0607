"""Charts as SVG, drawn by leather: no scripts, no style sheets, so they obey the page's CSP and
print in the PDF pack. Every chart is decorative beside a data table that holds the same figures,
which is what screen readers use.
"""

from __future__ import annotations

import html
import re

import leather

from reports.provider import ProviderReport

# Dark text and marks, distinguishable in greyscale by shape as well as shade.
leather.theme.background_color = "#ffffff"
for _name in ("title", "legend", "axis_title", "tick"):
    setattr(leather.theme, f"{_name}_font_family", "Arial, Helvetica, sans-serif")
leather.theme.title_color = "#0b0c0c"
leather.theme.legend_color = "#0b0c0c"
leather.theme.axis_title_color = "#0b0c0c"
leather.theme.tick_color = "#d8d8d8"
leather.theme.zero_color = "#505a5f"
leather.theme.label_color = "#0b0c0c"
leather.theme.default_series_colors = ["#1d70b8", "#0b0c0c", "#f47738", "#4c2c92"]
leather.theme.default_dot_radius = 5

WIDTH, HEIGHT = 640, 360


def _accessible(svg: str, label: str) -> str:
    """Scale to the container and give the picture a name; the table beside it has the data."""
    svg = re.sub(r'^<svg width="(\d+)" height="(\d+)"', r'<svg viewBox="0 0 \1 \2"', svg)
    return svg.replace(
        "<svg ",
        f'<svg class="app-chart" role="img" aria-label="{html.escape(label)}" focusable="false" ',
        1,
    )


def _percent(value: float, index: int, count: int) -> str:
    return f"{round(value)}%"


def indicator_dots(title: str, labels: list[str], series: dict[str, list[float | None]]) -> str:
    """A dot plot of share positive per indicator (0-100%), one series per group compared.

    Empty when there is nothing to draw (every figure hidden or missing).
    """
    chart = leather.Chart(title)
    positions = list(range(len(labels)))
    chart.add_x_scale(0, 100)
    chart.add_x_axis(ticks=[0, 25, 50, 75, 100], tick_formatter=_percent)
    chart.add_y_scale(-0.6, len(labels) - 0.4)
    chart.add_y_axis(
        ticks=positions,
        tick_formatter=lambda value, index, count: (
            labels[len(labels) - 1 - int(value)] if 0 <= value < len(labels) else ""
        ),
    )
    drawn = 0
    for name, values in series.items():
        points = [(100 * v, len(labels) - 1 - i) for i, v in enumerate(values) if v is not None]
        if points:
            chart.add_dots(points, name=name)
            drawn += 1
    if not drawn:
        return ""
    svg = chart.to_svg(width=WIDTH, height=max(HEIGHT, 28 * len(labels) + 80))
    return _accessible(svg, f"{title}. The figures are in the table that follows.")


def trend_lines(title: str, periods: list[str], series: dict[str, list[float | None]]) -> str:
    """Share positive over the terms, one line per indicator."""
    chart = leather.Chart(title)
    chart.add_x_scale(0, max(1, len(periods) - 1))
    chart.add_x_axis(
        ticks=list(range(len(periods))),
        tick_formatter=lambda value, index, count: (
            periods[int(value)] if int(value) < len(periods) else ""
        ),
    )
    chart.add_y_scale(0, 100)
    chart.add_y_axis(ticks=[0, 25, 50, 75, 100], tick_formatter=_percent)
    drawn = 0
    for name, values in series.items():
        points = [(i, 100 * v) for i, v in enumerate(values) if v is not None]
        if len(points) >= 2:
            chart.add_line(points, name=name)
        elif points:
            chart.add_dots(points, name=name)
        drawn += bool(points)
    if not drawn:
        return ""
    return _accessible(
        chart.to_svg(width=WIDTH, height=HEIGHT),
        f"{title}. The figures are in the table that follows.",
    )


def charts_for(report: ProviderReport) -> dict[str, str]:
    """A provider report's charts: the indicator dot plot, and the trend once there are terms."""
    shown = [i for i in report.indicators if not i.suppressed]
    charts = {
        "indicators": indicator_dots(
            "Share positive: this provider and the area",
            [i.label for i in shown],
            {
                "This provider": [i.share_positive for i in shown],
                "Area": [i.area_share_positive for i in shown],
            },
        )
    }
    headline = [b for b in report.by_term if b.key in ("felt_safe", "overall_rating")]
    if len(report.terms) >= 2 and headline:
        charts["trend"] = trend_lines(
            "Share positive by term",
            [t.label.replace(" term", "") for t in report.terms],
            {b.label: [c.share_positive for c in b.cells] for b in headline},
        )
    return charts
