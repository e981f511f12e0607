"""The QA visit pack: the provider report as an A4 PDF, drawn by WeasyPrint from HTML.

It is printed in black and white more often than not, so nothing relies on colour: ratings are
written as words and charts sit beside their tables.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from reports.journeys import ChangesReport
from reports.provider import ProviderReport
from survey_app.time_in_england import today_in_england
from survey_app.web.display import long_date, register_filters

TEMPLATES = Path(__file__).parents[1] / "web" / "templates"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
    )
    register_filters(environment)
    return environment


def render_html(
    report: ProviderReport,
    charts: dict[str, Markup],
    now: dt.datetime,
    changes: ChangesReport | None = None,
) -> str:
    """The pack as HTML (what the PDF is drawn from); ``changes``: its distance travelled."""
    template = _environment().get_template("print/qa_pack.html")
    return template.render(
        r=report, charts=charts, changes=changes, printed=long_date(today_in_england(now))
    )


class PackUnavailable(Exception):
    """WeasyPrint cannot load Pango on this machine; the message says what to install."""


def render(
    report: ProviderReport,
    charts: dict[str, Markup],
    now: dt.datetime,
    changes: ChangesReport | None = None,
) -> bytes:
    """The pack as PDF bytes; slow (a few hundred ms), so call it off the event loop."""
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    try:
        import weasyprint
    except OSError as error:
        raise PackUnavailable(
            "PDF packs need the Pango library: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from error

    pdf: bytes = weasyprint.HTML(string=render_html(report, charts, now, changes)).write_pdf()
    return pdf
