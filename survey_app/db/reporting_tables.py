"""Piccolo tables the reports keep beside the answers: running tallies for area-wide figures, and
the figures a viewer outside the LA was last shown (counts only, never comments)."""

from __future__ import annotations

from piccolo.columns import Integer, Serial, Text, Varchar
from piccolo.table import Table


class IndicatorTally(Table, tablename="indicator_tally"):
    """Answers counted per LA, academic year, provider, indicator and polarity.

    Kept in step with ``answer`` in the same transaction as every save or erasure (see
    ``survey_app.reporting.tallies``), so area-wide figures are a scan of a few thousand rows,
    not of every answer. Unique on everything but ``answers`` (index ``indicator_tally_key``).
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    local_authority = Integer()
    academic_year = Integer()
    provider = Integer()
    indicator = Varchar(length=40)
    polarity = Varchar(length=10)
    #: How many answers have this key.
    answers = Integer(default=0)


class PublishedFigures(Table, tablename="published_figures"):
    """The provider report's figures as a viewer outside the LA was last shown them.

    Counts only, each step over at least k pupils (not personal data), never comments: later
    views are served from here, so an erasure or retention cannot be read off the difference
    (``reports.disclosure``). One row per LA, provider and audience (unique index
    ``published_figures_key``); a new publication replaces it. The LA's area summary, meant to
    be published, keeps its own the same way: audience ``area:changes`` and provider 0 (none;
    ``survey_app.reporting.publications.AREA_PROVIDER``).
    """

    id: Serial  # Piccolo adds the primary key; declared so type checkers know it
    local_authority = Integer()
    provider = Integer()
    #: Whose view: "provider" for the provider's staff, "school:<id>" for a school's contact,
    #: "area" for the area summary (LA staff); "...:changes" for what changed.
    audience = Varchar(length=40)
    #: The last term the provider's own figures count up to ("" before the first publication).
    cut = Varchar(length=8, default="")
    #: ``reports.provider.Publication`` as JSON.
    figures = Text(default="")
