"""Every status and kind column holds only its enum's values, whatever the flows write, and the
service's code names those values through the enums rather than retyping them."""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.accounts.statuses import Role
from survey_app.db.qa_tables import QAAction, QAVisit
from survey_app.db.tables import (
    Answer,
    Invitation,
    LocalAuthority,
    OutboxMessage,
    SafeguardingAlert,
    School,
)
from survey_app.mail.outbox import send_due
from survey_app.mail.statuses import MessageKind, MessageStatus
from survey_app.ops.schedule import run_scheduled_work
from survey_app.ops.statuses import AuditOutcome
from survey_app.organisations.statuses import SchoolStatus
from survey_app.placements.statuses import PlacementStatus
from survey_app.qa.statuses import ActionStatus, VisitKind, YouSaidStatus
from survey_app.safeguarding.statuses import AlertStatus, ReviewStatus
from survey_app.surveys.statuses import InvitationKind, InvitationStatus
from tests.mail_server import Recorder
from tests.world import (
    Clock,
    World,
    complete_survey,
    give_responses,
    issue_for_year,
    post_form,
    run,
    sign_in,
)

ROOT = Path(__file__).parents[3]
#: (table, column) as stored, and the enum its values must belong to.
COLUMNS: list[tuple[str, str, type[StrEnum]]] = [
    ("invitation", "status", InvitationStatus),
    ("invitation", "kind", InvitationKind),
    ("outbox_message", "status", MessageStatus),
    ("outbox_message", "kind", MessageKind),
    ("safeguarding_alert", "status", AlertStatus),
    ("answer", "review_status", ReviewStatus),
    ("qa_action", "status", ActionStatus),
    ("qa_visit", "kind", VisitKind),
    ("school", "status", SchoolStatus),
    ("placement", "status", PlacementStatus),
    ("staff_user", "role", Role),
    ("audit_event", "outcome", AuditOutcome),
    ("you_said", "status", YouSaidStatus),
]


async def _stored() -> set[tuple[str, str, str]]:
    """Each column's distinct values as the database holds them (raw SQL: no ORM conversion)."""
    seen = set()
    for table, column, _ in COLUMNS:
        rows = await Invitation.raw(f"SELECT DISTINCT {column} AS v FROM {table}")  # noqa: S608
        seen |= {(table, column, row["v"]) for row in rows if row["v"] is not None}
    return seen


def test_every_status_the_flows_store_is_a_member_of_its_enum(
    client: Any, pupil: Any, world: World, settings: Any, clock: Clock
) -> None:
    run(
        LocalAuthority.update({LocalAuthority.safeguarding_email: "safeguarding@la.example"}).where(
            LocalAuthority.id == world.la
        )
    )
    # The school's address: its survey-opened emails carry the pupil's link, sealed.
    run(
        School.update({School.contact_email: "office@school.example"}).where(
            School.id == world.school
        )
    )
    seen: set[tuple[str, str, str]] = set()
    # Issue, and answer: a worrying answer raises an alert, a comment waits for review.
    answered = issue_for_year(world, settings, clock, reference="ANS-1")
    issue_for_year(world, settings, clock, reference="LEFT-1")
    complete_survey(
        pupil, answered.path, "end_years_4_6", {"felt_safe": "not_safe", "anything_else": "Fine."}
    )
    give_responses(world, settings, clock, 2, comment="It was good.")
    seen |= run(_stored())
    # Triage: acknowledge then close the alert; release one comment, withhold another.
    sign_in(client, world, "safeguarding")
    alert_id = run(SafeguardingAlert.select(SafeguardingAlert.id).first())["id"]
    post_form(client, f"/staff/safeguarding/{alert_id}/acknowledge", {})
    seen |= run(_stored())
    post_form(client, f"/staff/safeguarding/{alert_id}/action", {"action": "Called the DSL."})
    pending = run(Answer.select(Answer.id).where(Answer.review_status == ReviewStatus.PENDING))
    post_form(client, f"/staff/comments/{pending[0]['id']}", {"decision": "withhold"})
    post_form(
        client,
        f"/staff/comments/{pending[1]['id']}",
        {"decision": "release", "released_text": "It was good."},
    )
    client.cookies.clear()
    # A QA visit of each kind, each with an action; one action done.
    sign_in(client, world, "la_officer")
    for kind, day in ((VisitKind.ROUTINE, "2026-11-02"), (VisitKind.SPOT_CHECK, "2026-11-20")):
        visit = {"visited_on": day, "kind": kind, "officers": "J. Patel", "summary": "Seen."}
        visit |= {"action_1": f"Do the {kind} thing", "action_1_due": "2026-12-04"}
        assert post_form(client, f"/staff/providers/{world.provider}/visits", visit).is_success
    action_id = run(QAAction.select(QAAction.id).first())["id"]
    post_form(client, f"/staff/providers/{world.provider}/actions/{action_id}/done", {})
    seen |= run(_stored())
    # You said, we did: one left as a draft, one submitted, published, then replaced.
    words = {"you_said": "Pupils said the days were long.", "we_did": "Now there is a break."}
    client.cookies.clear()
    sign_in(client, world, "provider_staff")
    post_form(client, "/staff/you-said/new", {**words, "action": "save"})
    for _ in range(2):
        client.cookies.clear()
        sign_in(client, world, "provider_staff")
        sent = post_form(client, "/staff/you-said/new", {**words, "action": "submit"})
        seen |= run(_stored())
        client.cookies.clear()
        sign_in(client, world, "la_officer")
        post_form(client, sent.url.path, {**words, "action": "publish"})
        seen |= run(_stored())
    # Send: messages sealed under an earlier secret cannot be sent; the rest go.
    run(send_due(Recorder(), clock.now, secret_key="an earlier server secret"))
    Recorder().deliver(settings, clock.now)
    # Expire: the unanswered link runs out, reminders and escalations are queued and sent.
    clock.advance(days=settings.invitation_expiry_days + 2)
    run(run_scheduled_work(settings, clock.now, Recorder()))
    seen |= run(_stored())

    members = {(table, column): set(enum) for table, column, enum in COLUMNS}
    strays = sorted(value for value in seen if value[2] not in members[value[:2]])
    assert strays == [], "every stored value is one of its column's enum members"
    expected = {
        ("invitation", "status", InvitationStatus.OPEN),
        ("invitation", "status", InvitationStatus.COMPLETED),
        ("outbox_message", "status", MessageStatus.SENT),
        ("outbox_message", "status", MessageStatus.UNREADABLE),
        ("outbox_message", "kind", MessageKind.SAFEGUARDING),
        ("outbox_message", "kind", MessageKind.SURVEY_OPENED),
        *(("safeguarding_alert", "status", status) for status in AlertStatus),
        *(("answer", "review_status", status) for status in ReviewStatus),
        *(("qa_action", "status", status) for status in ActionStatus),
        *(("qa_visit", "kind", kind) for kind in VisitKind),
        ("school", "status", SchoolStatus.OPEN),
        *(("you_said", "status", status) for status in YouSaidStatus),
    }
    assert expected <= seen, "the flows above reach each of these values"
    # Rows read back are plain strings equal to the members, and where-clauses find them.
    completed = run(Invitation.select(Invitation.status).where(Invitation.id == answered.id))
    assert type(completed[0]["status"]) is str
    assert completed[0]["status"] == InvitationStatus.COMPLETED
    assert run(Invitation.count().where(Invitation.status == InvitationStatus.COMPLETED)) == 3
    assert run(School.count().where(School.status == SchoolStatus.OPEN)) >= 1
    closed = run(SafeguardingAlert.select().where(SafeguardingAlert.id == alert_id).first())
    assert closed["status"] == AlertStatus.CLOSED
    assert run(QAVisit.count().where(QAVisit.kind == VisitKind.SPOT_CHECK)) == 1
    assert run(OutboxMessage.count().where(OutboxMessage.status == MessageStatus.PENDING)) == 0
    # What staff read: the alert page says it is closed.
    sign_in(client, world, "safeguarding")
    page = BeautifulSoup(client.get(f"/staff/safeguarding/{alert_id}").text, "html.parser")
    assert page.select_one("#status").get_text(strip=True).startswith("Closed")


# ---- the code names stored values through the enums -------------------------------------------

STATUS_NAMES = {"status", "kind", "review_status"}
#: Every value these columns may hold: a literal equal to one of them means a retyped status.
STORED_VALUES = {value for _, _, enum in COLUMNS for value in enum}


def _is_status(node: ast.AST) -> bool:
    """``x.status`` / ``x.kind`` / ``x.review_status``, ``row["status"]``, a local ``status``."""
    if isinstance(node, ast.Attribute):
        return node.attr in STATUS_NAMES
    if isinstance(node, ast.Name):
        return node.id in STATUS_NAMES
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value in STATUS_NAMES
    return False


def _literals(node: ast.AST) -> list[str]:
    """String literals that are stored values: the node, either branch of a conditional
    expression, or inside a tuple/list/set."""
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    items = node.elts if isinstance(node, ast.Tuple | ast.List | ast.Set) else [node]
    return [
        item.value
        for item in items
        if isinstance(item, ast.Constant) and item.value in STORED_VALUES
    ]


def bare_status_literals(root: Path) -> list[str]:
    """Where code under ``root`` compares, sets or passes a status column's value as a literal."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "piccolo_migrations" in path.parts or path.name == "statuses.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            pairs: list[tuple[ast.AST, ast.AST]] = []
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                pairs = [(a, b) for a in sides for b in sides if a is not b]
            elif isinstance(node, ast.Dict):  # {Invitation.status: "open"} in an update
                pairs = [(k, v) for k, v in zip(node.keys, node.values, strict=True) if k]
            elif isinstance(node, ast.keyword) and node.arg in STATUS_NAMES:
                pairs = [(ast.Attribute(attr=node.arg), node.value)]
            for column, value in pairs:
                if _is_status(column):
                    for literal in _literals(value):
                        where = f"{path.relative_to(root.parent)}:{value.lineno}"
                        found.append(f"{where}: {literal!r}")
    return sorted(found)


def test_code_names_statuses_through_their_enums_not_bare_literals() -> None:
    assert bare_status_literals(ROOT / "survey_app") == []


def test_the_literal_check_finds_a_retyped_status(tmp_path: Path) -> None:
    code = tmp_path / "survey_app"
    code.mkdir()
    (code / "example.py").write_text(
        "def f(row, Invitation, Message):\n"
        "    a = Invitation.status == 'open'\n"
        "    b = row['review_status'] in ('pending', 'released')\n"
        "    c = Invitation.update({Invitation.status: 'completed'})\n"
        "    d = Message(kind='reminder', status='sent')\n"
        "    e = question.kind == 'text'\n"
        "    f = Answer.update({Answer.review_status: 'released' if g else 'withheld'})\n"
    )
    assert bare_status_literals(code) == [
        "survey_app/example.py:2: 'open'",
        "survey_app/example.py:3: 'pending'",
        "survey_app/example.py:3: 'released'",
        "survey_app/example.py:4: 'completed'",
        "survey_app/example.py:5: 'reminder'",
        "survey_app/example.py:5: 'sent'",
        "survey_app/example.py:7: 'released'",
        "survey_app/example.py:7: 'withheld'",
    ]


@pytest.mark.no_database
def test_every_status_and_kind_column_names_its_enum_as_its_choices() -> None:
    """Piccolo's ``choices=`` ties the column to its enum, so the admin, the schema and a reader
    of the table all see the one list of values (issue 13)."""
    from survey_app.db.schema import ALL_TABLES

    tables = {table._meta.tablename: table for table in ALL_TABLES}
    unnamed = [
        f"{table}.{column}"
        for table, column, enum in COLUMNS
        if tables[table]._meta.get_column_by_name(column)._meta.choices is not enum
    ]
    assert unnamed == [], "these columns do not name their enum as choices="
