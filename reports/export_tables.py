"""Each report as plain tables, for CSV and XLSX: the same figures the page shows, no more."""

from __future__ import annotations

from reports.area import AreaSummary
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


def provider_tables(report: ProviderReport) -> list[Table]:
    """The provider report: indicators, trend by term and by year group, released comments."""
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
            ["Rating (red, amber, green)", label(RAG, report.qa_record.rag_rating)],
            ["QA stage", label(QA_STAGE, report.qa_record.qa_stage)],
            [
                "Registration status",
                label(REGISTRATION_STATUS, report.qa_record.registration_status),
            ],
            ["Last visit", report.qa_record.last_visit_on],
            ["Open actions", len(report.qa_record.open_actions)],
        ]
        + ([["Note", report.disclosure_note]] if report.disclosure_note else []),
    )
    indicators = Table(
        title="Indicators",
        key="indicators",
        columns=[
            "Indicator key",
            "Indicator",
            "Answered",
            "Positive (%)",
            "Neutral (%)",
            "Negative (%)",
            "Don't know",
            "Rest of the area positive (%)" if report.area_is_rest else "Area positive (%)",
        ],
        rows=[
            [
                i.key,
                i.label,
                _n(i.answered, i.suppressed),
                _pct(i.share_positive, i.suppressed),
                _pct(i.share_neutral, i.suppressed),
                _pct(i.share_negative, i.suppressed),
                _n(i.dont_know, i.suppressed),
                _pct(i.area_share_positive),
            ]
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
            ["rating_then", "Rating at the end of the term"]
            + [label(RAG, t.rating_then) if t.rating_then else None for t in report.terms],
        ],
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
    return [about, indicators, terms, years, questions, comments]


def area_tables(summary: AreaSummary) -> list[Table]:
    """The publishable area summary: headlines and the providers table."""
    headlines = Table(
        title="Headlines",
        key="headlines",
        columns=["Figure", "Pupils answering", "Positive (%)"],
        rows=[
            ["Responses", _n(summary.responses, summary.responses is None), None],
        ]
        + [
            [f"Share who {h.wording}", _n(h.answered, h.answered is None), _pct(h.share_positive)]
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
        columns=["Provider", "Rating", "Invited", "Answered", "Response rate (%)"]
        + [f"{label}: positive (%)" for label in summary.indicator_labels],
        rows=[
            [
                row.name,
                label(RAG, row.rag_rating),
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
        rows=[[f"Period: {summary.period_label}"], [summary.disclosure_note]],
    )
    return [headlines, providers, note]


def school_tables(report: SchoolReport) -> list[Table]:
    """The school's own pupils, one row each, and totals across them."""
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
                label(REQUEST_STATUS, p.request_status),
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
                label(REQUEST_STATUS, p.request_status),
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
        columns=["Indicator key", "Indicator", "Answered", "Positive (%)"],
        rows=[
            [i.key, i.label, _n(i.answered, i.suppressed), _pct(i.share_positive, i.suppressed)]
            for i in report.totals
        ],
    )
    return [pupils, totals]
