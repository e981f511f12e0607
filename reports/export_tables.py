"""Each report as plain tables, for CSV and XLSX: the same figures the page shows, no more."""

from __future__ import annotations

from questionnaires.indicators import DontKnowMeans
from reports.aggregation import IndicatorResult
from reports.area import AreaSummary
from reports.change_tables import changes_table, journeys_table
from reports.disclosure import SUPPRESSION_MARK
from reports.exports import Cell, Table
from reports.labels import QA_STAGE, RAG, REGISTRATION_STATUS, REQUEST_STATUS, label
from reports.provider import ProviderReport
from reports.school import SchoolReport


def _pct(value: float | None, suppressed: bool = False) -> Cell:
    if suppressed:
        return SUPPRESSION_MARK
    return None if value is None else round(100 * value, 1)


def _n(value: int | None, suppressed: bool = False) -> Cell:
    return SUPPRESSION_MARK if suppressed else value


#: What the "I don't know" column says for an indicator of knowing, whose don't-knows are counted
#: in the negative share rather than as a share of their own.
IN_NEGATIVE = "in negative (not knowing)"
DONT_KNOW_NOTE = (
    'Shares are of every pupil who answered, "I don\'t know" included. Where the question is '
    'about knowing or understanding, "I don\'t know" counts as not knowing, in the negative '
    "(unclear) share; elsewhere it is its own share."
)


def _dont_know_pct(share: float | None, means: DontKnowMeans, suppressed: bool = False) -> Cell:
    if suppressed:
        return SUPPRESSION_MARK
    return IN_NEGATIVE if means is DontKnowMeans.NOT_KNOWING else _pct(share)


def _indicator_columns(i: IndicatorResult) -> list[Cell]:
    """Answered, the four shares and the "I don't know" count, as every export shows them."""
    return [
        _n(i.answered, i.suppressed),
        _pct(i.share_positive, i.suppressed),
        _pct(i.share_neutral, i.suppressed),
        _pct(i.share_negative, i.suppressed),
        _dont_know_pct(i.share_dont_know, i.dont_know_means, i.suppressed),
        _n(i.dont_know, i.suppressed),
    ]


INDICATOR_HEADINGS = [
    "Answered",
    "Positive (%)",
    "Neutral (%)",
    "Negative or unclear (%)",
    "I don't know (%)",
    "I don't know (pupils)",
]


def provider_tables(report: ProviderReport) -> list[Table]:
    """The provider report: indicators, trend by term and by year group, released comments,
    and what changed when the report was opened with it."""
    about = Table(
        title="About this report",
        key="about",
        columns=["Figure", "Value"],
        rows=[
            ["Provider", report.provider_name],
            ["Period", report.period_label],
            ["Pupils invited", report.invitations],
            ["Pupils who answered", _n(report.responses, report.responses is None)],
            ["Response rate (%)", _pct(report.response_rate, report.response_rate is None)],
            [
                "Of which partial (never sent, kept when the link closed)",
                _n(report.partial_responses, report.partial_responses is None),
            ],
        ]
        + (
            [["Rating (red, amber, green)", label(RAG, report.qa_record.rag_rating)]]
            if report.qa_record.rag_rating is not None
            else []
        )
        + [
            ["QA stage", label(QA_STAGE, report.qa_record.qa_stage)],
            [
                "Registration status",
                label(REGISTRATION_STATUS, report.qa_record.registration_status),
            ],
            ["Last visit", report.qa_record.last_visit_on],
            ["Open actions", len(report.qa_record.open_actions)],
        ]
        + ([["Note", report.disclosure_note]] if report.disclosure_note else [])
        + [["Note", DONT_KNOW_NOTE]],
    )
    indicators = Table(
        title="Indicators",
        key="indicators",
        columns=[
            "Indicator key",
            "Indicator",
            *INDICATOR_HEADINGS,
            "Rest of the area positive (%)" if report.area_is_rest else "Area positive (%)",
        ],
        rows=[
            [i.key, i.label, *_indicator_columns(i), _pct(i.area_share_positive)]
            for i in report.indicators
        ],
    )
    terms = Table(
        title="Positive (%) by term",
        key="by-term",
        columns=["Indicator key", "Indicator"] + [t.label for t in report.terms],
        rows=[
            [b.key, b.label, *[_pct(c.share_positive, c.suppressed) for c in b.cells]]
            for b in report.by_term
        ]
        + [
            [
                "responses",
                "Pupils who answered",
                *[_n(t.responses, t.responses is None) for t in report.terms],
            ],
        ]
        + (
            [
                [
                    "rating_then",
                    "Rating at the end of the term",
                    *[label(RAG, t.rating_then) if t.rating_then else None for t in report.terms],
                ]
            ]
            if not report.disclosure_controlled
            else []
        ),
    )
    years = Table(
        title="Positive (%) by year group",
        key="by-year-group",
        columns=["Indicator key", "Indicator"] + [f"Year {y}" for y in report.year_groups],
        rows=[
            [b.key, b.label, *[_pct(c.share_positive, c.suppressed) for c in b.cells]]
            for b in report.by_year_group
        ],
    )
    questions = Table(
        title="Answers by question",
        key="answers",
        columns=["Questionnaire", "Question", "Answer", "Pupils"],
        rows=[
            [q.questionnaire_id, q.text, o.label, _n(o.count, q.suppressed)]
            for q in report.questions
            for o in q.options
        ],
    )
    comments = Table(
        title="Comments (reviewed and released)",
        key="comments",
        columns=["Comment"],
        rows=[[text] for text in report.comments]
        or [[report.comments_note or "No released comments."]],
    )
    changes = [changes_table(report.what_changed)] if report.what_changed is not None else []
    return [about, indicators, terms, years, questions, comments, *changes]


def area_tables(summary: AreaSummary) -> list[Table]:
    """The publishable area summary: headlines, the providers table and what changed."""
    headlines = Table(
        title="Headlines",
        key="headlines",
        columns=[
            "Figure",
            "Pupils answering",
            "Positive (%)",
            "Neutral (%)",
            "Negative or unclear (%)",
            "I don't know (%)",
            "Negative means",
        ],
        rows=[
            ["Responses", _n(summary.responses, summary.responses is None), None],
            [
                "Of which partial (never sent, kept when the link closed)",
                _n(summary.partial_responses, summary.partial_responses is None),
                None,
            ],
        ]
        + [
            [
                f"Share who {h.wording}",
                _n(h.answered, h.answered is None),
                _pct(h.share_positive, h.answered is None),
                _pct(h.share_neutral, h.answered is None),
                _pct(h.share_negative, h.answered is None),
                _dont_know_pct(h.share_dont_know, h.dont_know_means, h.answered is None),
                h.negative_wording,
            ]
            for h in summary.headlines
        ]
        + [
            [
                "Providers with responses",
                _n(summary.providers_with_responses, summary.providers_with_responses is None),
                None,
            ],
            [
                "Response rate (%)",
                None,
                _pct(summary.response_rate, summary.responses is None),
            ],
        ],
    )
    providers = Table(
        title="Providers",
        key="providers",
        columns=["Provider", "Invited", "Answered", "Response rate (%)"]
        + [f"{label}: positive (%)" for label in summary.indicator_labels],
        rows=[
            [
                row.name,
                _n(row.invitations, row.suppressed),
                _n(row.responses, row.suppressed),
                _pct(row.response_rate, row.suppressed),
            ]
            + [_pct(c.share_positive, c.suppressed) for c in row.cells]
            for row in summary.providers
        ],
    )
    note = Table(
        title="Notes",
        key="notes",
        columns=["Note"],
        # The period goes here, not among the headlines, whose columns hold only numbers.
        rows=[[f"Period: {summary.period_label}"], [summary.disclosure_note], [DONT_KNOW_NOTE]],
    )
    changes = [changes_table(summary.what_changed)] if summary.what_changed is not None else []
    return [headlines, providers, note, *changes]


def school_tables(report: SchoolReport) -> list[Table]:
    """The school's own pupils, one row each, totals across them, and each pupil's journey."""
    pupils = Table(
        title="Pupils' feedback",
        key="pupils",
        columns=[
            "School",
            "Pupil reference",
            "Provider",
            "Year",
            "Request",
            "Completed",
            "Question",
            "Answer",
        ],
        rows=[
            [
                report.school_name,
                p.pupil_reference,
                p.provider_name,
                p.year_group,
                "not sent, kept when the link closed"
                if p.partial
                else label(REQUEST_STATUS, p.request_status),
                p.completed_on,
                a.question,
                a.answer,
            ]
            for p in report.placements
            for a in (p.answers or [])
        ]
        + [
            [
                report.school_name,
                p.pupil_reference,
                p.provider_name,
                p.year_group,
                "not sent, kept when the link closed"
                if p.partial
                else label(REQUEST_STATUS, p.request_status),
                p.completed_on,
                "Comment",
                text,
            ]
            for p in report.placements
            for text in p.comments
        ],
    )
    totals = Table(
        title="Totals across your pupils",
        key="totals",
        columns=["Indicator key", "Indicator", *INDICATOR_HEADINGS],
        rows=[[i.key, i.label, *_indicator_columns(i)] for i in report.totals]
        + [
            ["responses", "Pupils who answered", report.responses],
            [
                "partial",
                "Of which partial (never sent, kept when the link closed)",
                report.partial_responses,
            ],
            ["", DONT_KNOW_NOTE],
        ],
    )
    return [pupils, totals, journeys_table(report.school_name, report.journeys)]
