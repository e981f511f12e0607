"""Each council's own name for a shared provider: a second council that registers the same
provider (same Ofsted URN) under another name sees its own name on every page and in every
email its people get, the first council's pages are unchanged, and nothing the first council
typed (name, address, contacts) reaches the second council's people.

Written as the second council's attempt to learn what the first typed about the provider."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import openpyxl
import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient
from pypdf import PdfReader

from questionnaires.loader import current
from survey_app.accounts import staff, staff_inviting
from survey_app.accounts.scoping import Actor, Role
from survey_app.accounts.staff_finding import staff_spec
from survey_app.accounts.staff_organisations import provider_choices
from survey_app.accounts.users import AccountError
from survey_app.chasing.reminders import queue_digests
from survey_app.db.engine import transaction
from survey_app.db.staff_tables import StaffUser
from survey_app.db.tables import (
    Invitation,
    LocalAuthority,
    OutboxMessage,
    Placement,
    Provider,
    ProviderRecord,
    School,
)
from survey_app.safeguarding.finding import alert_spec, comment_spec, find_alerts, find_comments
from survey_app.safeguarding.triage import raise_alert
from survey_app.surveys.due import issue_due
from survey_app.surveys.responses import AnswerIn, answer_for, save_response
from survey_app.web.listing import parse
from tests.world import (
    PASSWORD,
    Clock,
    World,
    _password_hash,
    csrf_token,
    placement_row,
    post_form,
    run,
    sign_in,
    token_for,
)

URN = "123456"
A_NAME = "Meadow Farm"  # the world's name for it in Westshire
B_NAME = "Green Acres Learning"
#: Everything Westshire typed about the provider: none of it may reach Eastshire's people.
A_TYPED = {
    "name": A_NAME,
    "address": "1 Westshire Lane, Westbury",
    "postcode": "WS1 1AA",
    "contact_name": "Wendy Westfield",
    "contact_email": "wendy@westshire-typed.example",
    "contact_phone": "01234 111111",
    "safeguarding_lead": "Walter Westacre",
    "safeguarding_contact": "walter@westshire-typed.example",
    "rag_reason": "Westshire's rating reason",
}
B_REGISTER = (
    "Provider name,Ofsted URN,Address,Postcode,Contact name,Contact email,Contact phone\r\n"
    f"{B_NAME},{URN},9 Eastshire Road,ES9 9ZZ,Eve Eastwood,eve@eastshire.example,09876 999999\r\n"
)


def westshire_words() -> list[str]:
    return list(A_TYPED.values())


def assert_nothing_of_westshire(where: str, text: str) -> None:
    for words in westshire_words():
        assert words not in text, (where, words)


def add_user(world: World, who: str, role: Role, la: int, clock: Clock, **org: int) -> None:
    """A staff user of the world beyond its own six (no second factor: not an LA role)."""
    run(
        StaffUser.insert(
            StaffUser(
                email=f"{who}@example.test",
                password_hash=_password_hash(),
                role=role.value,
                local_authority=la,
                created_at=clock.now,
                **org,
            )
        )
    )
    world.logins[who] = (f"{who}@example.test", PASSWORD)


def user_id(who: str) -> int:
    row = run(StaffUser.select(StaffUser.id).where(StaffUser.email == f"{who}@example.test"))
    return int(row[0]["id"])


@pytest.fixture
def browser(app: Any, clock: Clock) -> Iterator[Callable[[World, str], TestClient[Any]]]:
    """A signed-in browser per user (closed afterwards), with an API token of theirs too."""
    with ExitStack() as stack:

        def signed_in_as(world: World, who: str) -> TestClient[Any]:
            client = stack.enter_context(TestClient(app, base_url="http://testserver.local"))
            sign_in(client, world, who)
            client.headers.update(token_for(world, who, clock))
            return client

        yield signed_in_as


@pytest.fixture
def two_names(world: World, browser: Any, clock: Clock, settings: Any) -> World:
    """Westshire keeps Meadow Farm (URN 123456) with its own details; Eastshire imports its
    register naming the same URN "Green Acres Learning", and has a school contact, the
    provider's staff and an ended placement there with its survey open; Westshire has one too."""
    run(Provider.update({Provider.ofsted_urn: URN}).where(Provider.id == world.provider))
    run(
        ProviderRecord.update(
            {getattr(ProviderRecord, key): value for key, value in A_TYPED.items()}
        ).where(
            ProviderRecord.local_authority == world.la, ProviderRecord.provider == world.provider
        )
    )
    east = browser(world, "other_la_officer")
    done = east.post(
        "/staff/providers/import",
        data={"_csrf_token": csrf_token(east)},
        files={"file": ("register.csv", B_REGISTER.encode())},
    )
    assert done.status_code == 200, done.text
    record = run(
        ProviderRecord.select(ProviderRecord.provider).where(
            ProviderRecord.local_authority == world.other_la,
            ProviderRecord.name == B_NAME,
        )
    )
    assert [row["provider"] for row in record] == [world.provider], "linked by its URN"
    run(
        School.update({School.contact_email: "office@far.example"}).where(
            School.id == world.other_school
        )
    )
    run(
        LocalAuthority.update({LocalAuthority.contact_email: "ap@eastshire.example"}).where(
            LocalAuthority.id == world.other_la
        )
    )
    run(
        School.update({School.contact_email: "office@oak.example"}).where(School.id == world.school)
    )
    add_user(world, "east_school", Role.SCHOOL_CONTACT, world.other_la, clock,
             school=world.other_school)  # fmt: skip
    add_user(world, "east_provider", Role.PROVIDER_STAFF, world.other_la, clock,
             provider=world.provider)  # fmt: skip
    run(
        Placement.insert(
            placement_row(
                world,
                clock,
                local_authority=world.other_la,
                school=world.other_school,
                pupil_reference="FAR-7",
            ),
            placement_row(world, clock, pupil_reference="OAK-7"),
        )
    )
    assert run(issue_due(settings, clock.now)) == 2
    return world


def east_placement() -> int:
    row = run(Placement.select(Placement.id).where(Placement.pupil_reference == "FAR-7"))
    return int(row[0]["id"])


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.text
    if response.headers.get("content-type", "").startswith("text/html"):
        return BeautifulSoup(response.text, "html.parser").get_text(" ")
    return str(response.text)


def test_eastshire_officers_see_their_own_name_and_nothing_westshire_typed(
    two_names: World, browser: Any
) -> None:
    world, p = two_names, two_names.provider
    east = browser(world, "other_la_officer")
    placement = east_placement()
    pages = {
        path: text_of(east.get(path))
        for path in (
            "/staff/providers",
            f"/staff/providers/{p}",
            f"/staff/providers/{p}/qa",
            f"/staff/providers/{p}/edit",
            f"/staff/providers/{p}/slips",
            "/staff/placements",
            f"/staff/placements/{placement}",
            "/staff/placements/new",
            "/staff/chasing",
            "/staff/rates",
            "/staff/area",
            "/staff/outbox",
            f"/staff/providers/{p}/report.csv",
            "/api/v1/providers",
            f"/api/v1/providers/{p}",
            f"/api/v1/providers/{p}/report",
            "/api/v1/placements",
            "/api/v1/area-summary",
        )
    }
    for path, text in pages.items():
        assert_nothing_of_westshire(path, text)
    for path in (
        "/staff/providers",
        f"/staff/providers/{p}",
        f"/staff/providers/{p}/qa",
        f"/staff/providers/{p}/slips",
        f"/staff/placements/{placement}",
        "/staff/placements/new",
        "/staff/chasing",
        "/staff/rates",
        "/staff/area",
        "/staff/outbox",
        f"/staff/providers/{p}/report.csv",
        "/api/v1/providers",
        f"/api/v1/providers/{p}",
        f"/api/v1/providers/{p}/report",
        "/api/v1/area-summary",
    ):
        assert B_NAME in pages[path], path
    edit = BeautifulSoup(east.get(f"/staff/providers/{p}/edit").text, "html.parser")
    assert edit.select_one("h1").get_text() == f"{B_NAME}: your register entry"
    assert edit.select_one("#name")["value"] == B_NAME
    assert edit.select_one("#address").get_text() == "9 Eastshire Road"
    assert east.get(f"/api/v1/providers/{p}").json()["name"] == B_NAME


def test_eastshire_school_and_the_providers_own_staff_see_eastshires_name(
    two_names: World, browser: Any
) -> None:
    world, p = two_names, two_names.provider
    school = browser(world, "east_school")
    placement = east_placement()
    school_pages = {
        path: text_of(school.get(path))
        for path in (
            "/staff/placements",
            f"/staff/placements/{placement}",
            f"/staff/schools/{world.other_school}/report",
            f"/staff/providers/{p}",
            "/staff/providers",
        )
    }
    provider = browser(world, "east_provider")
    provider_pages = {
        path: text_of(provider.get(path))
        for path in (
            "/staff/providers",
            f"/staff/providers/{p}",
            f"/staff/providers/{p}/slips",
            "/staff/my-learners",
            f"/api/v1/providers/{p}",
        )
    }
    for path, text in {**school_pages, **provider_pages}.items():
        assert_nothing_of_westshire(path, text)
    for path, text in school_pages.items():
        assert B_NAME in text, path
    for path in ("/staff/providers", f"/staff/providers/{p}", f"/staff/providers/{p}/slips"):
        assert B_NAME in provider_pages[path], path
    report = BeautifulSoup(provider.get(f"/staff/providers/{p}").text, "html.parser")
    assert report.select_one("h1").get_text(strip=True) == B_NAME


def test_westshire_pages_keep_westshires_name(two_names: World, browser: Any) -> None:
    world, p = two_names, two_names.provider
    west = browser(world, "la_officer")
    for path in ("/staff/providers", f"/staff/providers/{p}", "/staff/placements", "/staff/area"):
        text = text_of(west.get(path))
        assert A_NAME in text and B_NAME not in text, path
    report = BeautifulSoup(west.get(f"/staff/providers/{p}").text, "html.parser")
    assert report.select_one("h1").get_text(strip=True) == A_NAME
    edit = BeautifulSoup(west.get(f"/staff/providers/{p}/edit").text, "html.parser")
    assert edit.select_one("#address").get_text() == A_TYPED["address"]
    own = browser(world, "provider_staff")
    assert A_NAME in text_of(own.get(f"/staff/providers/{p}"))


def test_every_email_names_the_provider_as_the_placements_council_does(
    two_names: World, settings: Any, clock: Clock
) -> None:
    run(queue_digests(settings, clock.now))  # the suite's day is a Monday

    def bodies(to: str) -> list[str]:
        rows = run(OutboxMessage.select().where(OutboxMessage.recipient == to))
        assert rows, to
        return [f"{row['subject']}\n{row['body']}" for row in rows]

    east_school = bodies("office@far.example")
    assert any(f"FAR-7 at {B_NAME}" in body for body in east_school)
    east_digest = bodies("ap@eastshire.example")
    assert any(f"{B_NAME}: 1" in body for body in east_digest)
    for body in east_school + east_digest + bodies("eve@eastshire.example"):
        assert_nothing_of_westshire("email", body)
    assert any(f"OAK-7 at {A_NAME}" in body for body in bodies("office@oak.example"))
    assert all(B_NAME not in body for body in bodies("office@oak.example"))


def test_a_staff_invitation_names_the_provider_as_the_inviting_council_does(
    two_names: World, settings: Any, clock: Clock, app: Any
) -> None:
    world = two_names
    admin = Actor(
        user_id=user_id("other_la_officer"),
        email="other_la_officer@example.test",
        role=Role.LA_ADMIN,
        local_authority_id=world.other_la,
    )
    # Westshire's name for the provider finds nothing in Eastshire's register.
    with pytest.raises(AccountError, match="no provider 'Meadow Farm' on this authority"):
        run(staff_inviting.invite(settings, admin, email="x@far.example", role=Role.PROVIDER_STAFF,
                                  provider=A_NAME, now=clock.now))  # fmt: skip
    invited = run(
        staff_inviting.invite(
            settings,
            admin,
            email="new@greenacres.example",
            role=Role.PROVIDER_STAFF,
            provider=B_NAME,
            now=clock.now,
        )
    )
    # The page the link opens says the same.
    with TestClient(app, base_url="http://testserver.local") as newcomer:
        opened = newcomer.get(invited.link.removeprefix(settings.base_url))
        invited_as = BeautifulSoup(opened.text, "html.parser").select_one("#invited-as")
    assert f"as Provider staff at {B_NAME}, for Eastshire." in invited_as.get_text()
    assert_nothing_of_westshire("invitation page", opened.text)
    (message,) = run(
        OutboxMessage.select().where(OutboxMessage.recipient == "new@greenacres.example")
    )
    assert message["subject"] == f"Eastshire: set up your Learner voice account for {B_NAME}"
    assert f"for you at {B_NAME}, as provider staff, for Eastshire." in message["body"]
    assert_nothing_of_westshire("invitation", message["body"])
    choices = run(provider_choices(admin))
    assert [c.label for c in choices] == ["Far Provider", B_NAME]
    spec = staff_spec()
    people = run(staff.staff_page(admin, spec, *parse(spec, {})))
    shown = {row.email: row.organisation for row in people.users}
    assert shown["east_provider@example.test"] == B_NAME
    assert shown["new@greenacres.example"] == B_NAME


def test_eastshires_safeguarding_queue_names_eastshires_provider(
    two_names: World, settings: Any, clock: Clock
) -> None:
    world = two_names
    invitation = run(
        Invitation.select(Invitation.id, Invitation.questionnaire_id)
        .where(Invitation.placement == east_placement())
        .first()
    )
    questionnaire = current(invitation["questionnaire_id"])
    felt_safe = next(q for q in questionnaire.questions if q.id == "felt_safe")
    unsafe = next(o for o in felt_safe.options if o.value == "not_safe")
    answers = [answer_for(felt_safe, unsafe)]
    answers.append(AnswerIn("anything_else", None, None, None, "it was fine mostly"))
    run(save_response(invitation["id"], questionnaire, answers, clock.now))

    async def alert() -> None:
        async with transaction():
            await raise_alert(
                settings,
                invitation_id=invitation["id"],
                question_id="felt_safe",
                answer_value="not_safe",
                reason="answer",
                matched_terms=[],
                now=clock.now,
            )

    run(alert())
    contact = Actor(
        user_id=0,
        email="safe@eastshire.example",
        role=Role.LA_SAFEGUARDING,
        local_authority_id=world.other_la,
    )
    alerts = run(alert_spec(contact))
    _, (view,) = run(find_alerts(contact, alerts, *parse(alerts, {})))
    assert view.provider_name == B_NAME
    comments = run(comment_spec(contact))
    _, found = run(find_comments(contact, comments, *parse(comments, {})))
    assert [c.provider_name for c in found] == [B_NAME]


def test_eastshire_placements_match_the_provider_by_eastshires_name_only(
    two_names: World, browser: Any
) -> None:
    world = two_names
    east = browser(world, "other_la_officer")

    def import_one(provider: str, reference: str) -> BeautifulSoup:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["pupil_reference", "year_group", "provider", "school", "start_date", "hours_per_week"]
        )
        writer.writerow([reference, "8", provider, "Far School", "2026-11-02", "6"])
        response = east.post(
            "/staff/placements/import",
            data={"_csrf_token": csrf_token(east)},
            files={"file": ("placements.csv", out.getvalue().encode())},
        )
        return BeautifulSoup(response.text, "html.parser")

    refused = import_one(A_NAME, "FAR-8")
    assert not run(Placement.exists().where(Placement.pupil_reference == "FAR-8"))
    assert "provider" in refused.get_text().lower()
    import_one(B_NAME.upper(), "FAR-9")
    stored = run(Placement.select(Placement.provider).where(Placement.pupil_reference == "FAR-9"))
    assert [row["provider"] for row in stored] == [world.provider]


def test_eastshire_renames_its_provider_without_touching_westshires_name(
    two_names: World, browser: Any
) -> None:
    world, p = two_names, two_names.provider
    east = browser(world, "other_la_officer")
    form = BeautifulSoup(east.get(f"/staff/providers/{p}/edit").text, "html.parser")
    fields = {
        field["name"]: field.get("value", "")
        for field in form.select("form input")
        if field.get("name") and field.get("type") not in ("checkbox", "radio")
    }
    fields |= {"name": "Green Acres CIC", "address": "9 Eastshire Road", "_csrf_token": ""}
    fields.pop("_csrf_token")
    saved = post_form(east, f"/staff/providers/{p}/edit", fields, follow_redirects=False)
    assert saved.status_code in (302, 303), saved.text
    assert "Green Acres CIC" in text_of(east.get("/staff/providers"))
    west = browser(world, "la_officer")
    listed = text_of(west.get("/staff/providers"))
    assert A_NAME in listed and "Green Acres" not in listed


def test_eastshires_qa_visit_pack_is_headed_with_eastshires_name(
    two_names: World, browser: Any
) -> None:
    east = browser(two_names, "other_la_officer")
    response = east.get(f"/staff/providers/{two_names.provider}/qa-pack.pdf")
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert f"QA visit pack: {B_NAME}" in text
    assert_nothing_of_westshire("qa-pack.pdf", text)


def test_an_eastshire_pupil_is_asked_about_the_place_by_eastshires_name(
    two_names: World,
) -> None:
    # The questions name the place ("How safe did you feel at ...?"): the pupil reads the name
    # their own council keeps, not the one another council typed first.
    from survey_app.surveys.drafts import invitation_with_drafts

    def place_for(reference: str) -> str:
        invitation = run(
            Invitation.select(Invitation.id)
            .where(Invitation.placement.pupil_reference == reference)
            .first()
        )
        assert invitation is not None, reference
        found, _ = run(invitation_with_drafts(invitation["id"], "no-session"))
        assert found is not None
        return str(found["place"])

    assert place_for("FAR-7") == B_NAME
    assert place_for("OAK-7") == A_NAME


def test_eastshires_placements_and_answers_exports_name_eastshires_provider(
    two_names: World, browser: Any, clock: Clock
) -> None:
    world = two_names
    invitation = run(
        Invitation.select(Invitation.id, Invitation.questionnaire_id)
        .where(Invitation.placement == east_placement())
        .first()
    )
    questionnaire = current(invitation["questionnaire_id"])
    felt_safe = next(q for q in questionnaire.questions if q.id == "felt_safe")
    safe = next(o for o in felt_safe.options if o.value != "not_safe")
    run(save_response(invitation["id"], questionnaire, [answer_for(felt_safe, safe)], clock.now))
    east = browser(world, "other_la_officer")
    for path in (
        "/staff/placements.csv",
        "/staff/placements.xlsx",
        "/staff/placements/responses.csv",
        "/staff/placements/responses.xlsx",
    ):
        response = east.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        disposition = response.headers["content-disposition"]
        assert "eastshire" in disposition.lower(), disposition
        assert_nothing_of_westshire(f"{path} file name", disposition)
        if path.endswith(".csv"):
            table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            table = [list(row) for row in sheet.iter_rows(values_only=True)]
        cells = [str(cell) for row in table for cell in row if cell is not None]
        assert_nothing_of_westshire(path, " ".join(cells))
        at = table[0].index("Provider")
        assert [row[at] for row in table[1:]] and {row[at] for row in table[1:]} == {B_NAME}, path


def test_provider_staff_a_second_council_invites_never_reach_the_first_councils_pupils(
    two_names: World,
) -> None:
    # The attack: Eastshire links Westshire's provider by its public URN, invites an address it
    # controls as that provider's "staff", and reads Westshire's pupils, codes and answers.
    from survey_app.accounts.scoping import scope
    from survey_app.db.reporting_tables import IndicatorTally
    from survey_app.db.tables import Answer, Response

    def staff_of(la: int) -> Actor:
        return Actor(
            user_id=0,
            email="staff@provider.example",
            role=Role.PROVIDER_STAFF,
            local_authority_id=la,
            provider_id=two_names.provider,
        )

    def references(actor: Actor) -> set[str]:
        rows = run(Placement.select(Placement.pupil_reference).where(scope(actor, Placement)))
        return {row["pupil_reference"] for row in rows}

    east, west = staff_of(two_names.other_la), staff_of(two_names.la)
    assert "FAR-7" in references(east) and "OAK-7" not in references(east)
    assert "OAK-7" in references(west) and "FAR-7" not in references(west)
    for table in (Invitation, Response, Answer, IndicatorTally):
        seen = run(table.count().where(scope(east, table)))
        everything = run(table.count())
        westshire = run(table.count().where(scope(west, table)))
        assert seen + westshire <= everything, f"{table.__name__}: one council's rows each"
