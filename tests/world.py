"""What tests share: a real database emptied before each test, an injectable clock, a small world
of two local authorities with one user per role, and helpers for acting in it (signing in,
posting forms, issuing and completing surveys). ``conftest.py`` only wires the fixtures in."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import os
import tempfile
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar

import msgspec
import pytest

T = TypeVar("T")


def run(awaitable: Awaitable[T]) -> T:
    """Run a coroutine or Piccolo query from a synchronous test or fixture."""

    async def wait() -> T:
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(wait())
    # Playwright's sync API keeps a loop running in this thread: use another one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, wait()).result()


@pytest.fixture(scope="session")
def settings() -> Any:
    from survey_app.settings import load_settings

    return load_settings()


@pytest.fixture(scope="session")
def migrated(settings: Any) -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = run(run_forwards(app_name="survey_app"))
    assert result.success, result.message


@pytest.fixture(autouse=True)
def empty_database(request: pytest.FixtureRequest) -> None:
    """Every test that touches the database starts from empty tables."""
    if "no_database" in request.keywords:
        return
    request.getfixturevalue("migrated")
    from survey_app.db.engine import all_tables

    async def clear() -> None:
        for table in reversed(all_tables()):
            await table.delete(force=True)

    run(clear())


class Clock:
    """A clock tests can move, so nothing waits on real time."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
_clock = Clock(START)


@pytest.fixture
def clock() -> Clock:
    """The app's clock, back at the same Monday morning for every test."""
    _clock.now = START
    return _clock


@pytest.fixture(scope="session")
def app(settings: Any) -> Any:
    """One application for the run (building it is slow); its clock is the ``clock`` fixture's."""
    from survey_app.app import create_app

    return create_app(settings, _clock)


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    from litestar.testing import TestClient

    with TestClient(app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
def live_env(settings: Any) -> dict[str, str]:
    """Environment for a real server process on this run's database (its own var directory)."""
    return {
        "SURVEY_DATABASE_URL": settings.resolved_database_url,
        "SURVEY_VAR_DIR": tempfile.mkdtemp(prefix="lv-live-"),
        "SURVEY_SECRET_KEY": settings.secret_key,
        "SURVEY_BASE_URL": settings.base_url,
        "SURVEY_DISPATCH_INTERVAL_MINUTES": "0",
        # A server keeps connections open; these tests check it survives losing them.
        "SURVEY_DATABASE_POOL_SIZE": "5",
    }


def postgres_cluster() -> Any:
    """This run's throwaway PostgreSQL cluster, or None on the SQLite leg."""
    from tests import postgres_cluster as cluster

    return cluster.RUNNING


class World(msgspec.Struct):
    """Two local authorities, each with schools, providers and one user per role."""

    la: int
    other_la: int
    school: int
    second_school: int
    other_school: int
    provider: int
    second_provider: int
    other_provider: int
    logins: dict[str, tuple[str, str]]


PASSWORD = "correct horse battery"
#: The authenticator secrets of the world's LA users (base32, as an app would hold them).
TOTP_SECRETS = {
    "la_officer": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "other_la_officer": "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU",
    "safeguarding": "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
    "la_admin": "ONSWG4TFORZW64TUMVZXI2LOM5QWY2LU",
}


def totp_code(who: str) -> str:
    """The code the user's authenticator app shows now, on the app's (test) clock."""
    import pyotp

    return str(pyotp.TOTP(TOTP_SECRETS[who]).at(_clock.now))


@functools.cache
def _password_hash() -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(PASSWORD)


@pytest.fixture
def world(clock: Clock) -> World:
    from survey_app.accounts.scoping import Role
    from survey_app.db.staff_tables import StaffUser
    from survey_app.db.tables import LocalAuthority, Provider, ProviderRecord, School

    async def build() -> World:
        async def la(name: str, code: str) -> int:
            rows = await LocalAuthority.insert(LocalAuthority(name=name, code=code)).returning(
                LocalAuthority.id
            )
            return int(rows[0]["id"])

        async def school(la_id: int, name: str) -> int:
            rows = await School.insert(School(local_authority=la_id, name=name)).returning(
                School.id
            )
            return int(rows[0]["id"])

        async def provider(la_id: int, name: str) -> int:
            rows = await Provider.insert(Provider(name=name)).returning(Provider.id)
            await ProviderRecord.insert(
                ProviderRecord(
                    local_authority=la_id,
                    provider=rows[0]["id"],
                    name=name,
                    registration_status="unregistered",
                    offer_types="vocational",
                    qa_stage="approved",
                    rag_rating="green",
                )
            )
            return int(rows[0]["id"])

        la_id, other_la = await la("Westshire", "E90000001"), await la("Eastshire", "E90000002")
        w = World(
            la=la_id,
            other_la=other_la,
            school=await school(la_id, "Oak School"),
            second_school=await school(la_id, "Elm School"),
            other_school=await school(other_la, "Far School"),
            provider=await provider(la_id, "Meadow Farm"),
            second_provider=await provider(la_id, "Quay Tutors"),
            other_provider=await provider(other_la, "Far Provider"),
            logins={},
        )
        users = {
            "la_officer": (Role.LA_OFFICER, w.la, {}),
            "school_contact": (Role.SCHOOL_CONTACT, w.la, {"school_id": w.school}),
            "provider_staff": (Role.PROVIDER_STAFF, w.la, {"provider_id": w.provider}),
            "other_la_officer": (Role.LA_OFFICER, w.other_la, {}),
            "safeguarding": (Role.LA_SAFEGUARDING, w.la, {}),
            "la_admin": (Role.LA_ADMIN, w.la, {}),
        }
        # Rows are inserted with one precomputed hash: Argon2 is deliberately slow, and
        # create_user itself is tested through the CLI.
        from survey_app.accounts.second_factor import encrypt

        for name, (role, la_of, org) in users.items():
            email = f"{name}@example.test"
            await StaffUser.insert(
                StaffUser(
                    email=email,
                    password_hash=_password_hash(),
                    role=role.value,
                    local_authority=la_of,
                    school=org.get("school_id"),
                    provider=org.get("provider_id"),
                    created_at=clock.now,
                    # LA roles must use a second factor: theirs is set up already.
                    totp_secret_encrypted=(
                        encrypt(os.environ["SURVEY_SECRET_KEY"], TOTP_SECRETS[name])
                        if name in TOTP_SECRETS
                        else None
                    ),
                )
            )
            w.logins[name] = (email, PASSWORD)
        return w

    return run(build())


def csrf_token(client: Any) -> str:
    """The CSRF token as a browser would send it: from the hidden field of a rendered form."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(client.get("/code").text, "html.parser")
    field = form.select_one('form[method="post"] input[type="hidden"][name="_csrf_token"]')
    assert field is not None, "forms must carry the CSRF token in a hidden field"
    return str(field["value"])


def post_form(client: Any, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Post a form as a browser would, with the CSRF token."""
    return client.post(url, data={**data, "_csrf_token": csrf_token(client)}, **kwargs)


def sign_in(client: Any, world: World, who: str) -> None:
    """Sign the client in as one of the world's users, with their code if they need one."""
    email, password = world.logins[who]
    response = post_form(
        client, "/staff/sign-in", {"email": email, "password": password}, follow_redirects=False
    )
    assert response.status_code == 302, response.text
    if response.headers["location"] == "/staff/mfa":
        # Each code works once: step the clock on so a second sign-in gets a fresh one.
        _clock.advance(seconds=30)
        response = post_form(client, "/staff/mfa", {"code": totp_code(who)}, follow_redirects=False)
        assert response.status_code == 302, response.text
    assert response.headers["location"] == "/staff"


@pytest.fixture
def signed_in(client: Any, world: World) -> Any:
    """A client signed in as an LA officer of the world's first LA."""
    sign_in(client, world, "la_officer")
    return client


class Issued:
    """An open invitation: its id, its link path and its short code."""

    def __init__(self, invitation_id: Any, path: str, code: str) -> None:
        self.id, self.path, self.code = invitation_id, path, code


def placement_row(world: World, clock: Clock, **overrides: Any) -> Any:
    """A Placement row for the world's first LA, school and provider, ended on 20 November."""
    from survey_app.db.tables import Placement

    values: dict[str, Any] = {
        "local_authority": world.la,
        "school": world.school,
        "provider": world.provider,
        "pupil_reference": "OAK-55",
        "year_group": 5,
        "start_date": dt.date(2026, 9, 1),
        "ended_on": dt.date(2026, 11, 20),
        "hours_per_week": 6.0,
        "created_at": clock.now,
        **overrides,
    }
    values.setdefault("commissioner_key", f"school:{values['school']}")
    return Placement(**values)


def issue_for_year(
    world: World, settings: Any, clock: Clock, year_group: int = 5, reference: str = "OAK-55"
) -> Issued:
    """End a placement for a pupil in this year group and issue its invitation."""
    from survey_app.db.tables import Invitation, Placement
    from survey_app.surveys.due import issue_due
    from survey_app.surveys.invitations import link_for

    run(
        Placement.insert(
            placement_row(world, clock, pupil_reference=reference, year_group=year_group)
        )
    )
    assert run(issue_due(settings, clock.now)) == 1
    row = run(
        Invitation.select(Invitation.id, Invitation.revocation_counter)
        .where(Invitation.placement.pupil_reference == reference)
        .first()
    )
    link = link_for(settings, row["id"], row["revocation_counter"])
    return Issued(row["id"], link.url.removeprefix(settings.base_url), link.short_code)


def issue_start(
    world: World, settings: Any, clock: Clock, reference: str = "NEW-1", provider: int = 0
) -> Issued:
    """A pupil ten days into a placement with no end yet (at the world's provider unless another
    is named): their start survey is issued and open."""
    from survey_app.db.tables import Invitation, Placement
    from survey_app.surveys.due import issue_due
    from survey_app.surveys.invitations import link_for
    from survey_app.surveys.statuses import InvitationKind

    row = placement_row(
        world,
        clock,
        provider=provider or world.provider,
        pupil_reference=reference,
        start_date=(clock.now - dt.timedelta(days=10)).date(),
        planned_end_date=(clock.now + dt.timedelta(days=120)).date(),
        ended_on=None,
    )
    run(Placement.insert(row))
    assert run(issue_due(settings, clock.now)) == 1
    invitation = run(Invitation.select().where(Invitation.placement == row.id).first())
    assert invitation["kind"] == InvitationKind.START
    link = link_for(settings, invitation["id"], invitation["revocation_counter"])
    return Issued(invitation["id"], link.url.removeprefix(settings.base_url), link.short_code)


@pytest.fixture
def issued(world: World, settings: Any, clock: Clock) -> Issued:
    """A year 5 pupil's placement that has ended, with its invitation issued."""
    return issue_for_year(world, settings, clock)


@pytest.fixture
def pupil(app: Any) -> Iterator[Any]:
    """A second browser, for the pupil, separate from any staff session."""
    from litestar.testing import TestClient

    with TestClient(app, base_url="http://testserver.local") as client:
        yield client


def question_number(questionnaire_id: str, question_id: str) -> int:
    """The page number (1-based) of a question in what a pupil starting now is asked.

    Tests find questions by id through the loader, so a new version that adds or reorders
    questions does not silently point them at another question.
    """
    from questionnaires.loader import current

    ids = [question.id for question in current(questionnaire_id).questions]
    return ids.index(question_id) + 1


def complete_survey(
    client: Any, link_path: str, questionnaire_id: str, answers: dict[str, str]
) -> Any:
    """Open a link and go through every question page (answering or skipping), then send."""
    from questionnaires.loader import current

    opened = client.get(link_path, follow_redirects=False)
    assert opened.status_code == 302, opened.text
    for number, question in enumerate(current(questionnaire_id).questions, start=1):
        value = answers.get(question.id)
        data = {"answer": value} if value else {"skip": "yes"}
        response = post_form(client, f"/survey/q/{number}", data, follow_redirects=False)
        assert response.status_code == 302, response.text
    return post_form(client, "/survey/send", {}, follow_redirects=False)


def give_responses(
    world: World,
    settings: Any,
    clock: Clock,
    count: int,
    *,
    provider: int | None = None,
    school: int | None = None,
    year_group: int = 8,
    answers: dict[str, str] | None = None,
    comment: str | None = None,
    when: dt.datetime | None = None,
    prefix: str = "R",
) -> list[Any]:
    """Placements that ended, each with its survey answered (straight through the domain code)."""
    from questionnaires.loader import current
    from survey_app.db.tables import Invitation, Placement
    from survey_app.surveys.invitations import issue_for
    from survey_app.surveys.responses import AnswerIn, answer_for, save_response

    moment = when or clock.now
    rows = run(
        Placement.insert(
            *[
                placement_row(
                    world,
                    clock,
                    provider=provider or world.provider,
                    school=school or world.school,
                    pupil_reference=f"{prefix}-{moment:%Y%m%d}-{n}",
                    year_group=year_group,
                    start_date=(moment - dt.timedelta(days=60)).date(),
                    planned_end_date=(moment - dt.timedelta(days=1)).date(),
                    ended_on=(moment - dt.timedelta(days=1)).date(),
                )
                for n in range(count)
            ]
        ).returning(Placement.id)
    )
    ids = [row["id"] for row in rows]
    run(issue_for(settings, ids, moment))
    invitations = run(
        Invitation.select(Invitation.id, Invitation.questionnaire_id).where(
            Invitation.placement.is_in(ids)
        )
    )
    chosen = (
        answers if answers is not None else {"felt_safe": "very_safe", "overall_rating": "good"}
    )
    for invitation in invitations:
        questionnaire = current(invitation["questionnaire_id"])
        given = []
        for question in questionnaire.questions:
            if question.kind == "text" and comment and question.id == "anything_else":
                given.append(AnswerIn(question.id, None, None, None, comment))
            option = next((o for o in question.options if o.value == chosen.get(question.id)), None)
            if option is not None:
                given.append(answer_for(question, option))
            elif question.id in chosen and question.options:
                # A value the questionnaire no longer offers would be silently unanswered, and a
                # test would go on checking figures that no longer mean what it thinks.
                raise ValueError(
                    f"{questionnaire.id} v{questionnaire.version} offers no {chosen[question.id]!r}"
                    f" for {question.id}"
                )
        run(save_response(invitation["id"], questionnaire, given, moment))
    return ids


def token_for(world: World, who: str, clock: Clock) -> dict[str, str]:
    """An Authorization header with a fresh API token of one of the world's users."""
    from survey_app.accounts.users import create_api_token
    from survey_app.db.staff_tables import StaffUser

    email = world.logins[who][0]
    user = run(StaffUser.select(StaffUser.id).where(StaffUser.email == email).first())
    return {"Authorization": f"Bearer {run(create_api_token(user['id'], 'test', clock.now))}"}


def give_journeys(
    world: World,
    settings: Any,
    clock: Clock,
    count: int,
    *,
    start: dict[str, str],
    later: dict[str, str],
    started: dt.datetime,
    answered_later: dt.datetime,
    later_kind: str = "end",
    provider: int | None = None,
    school: int | None = None,
    year_group: int = 8,
    prefix: str = "J",
    local_authority: int | None = None,
) -> list[int]:
    """Placements whose pupils answered a start survey on ``started`` and a later survey (the
    end survey, or a check-in) on ``answered_later``, straight through the domain code: the
    pairs "what changed" counts (issue 18)."""
    from questionnaires.loader import current
    from survey_app.db.tables import Invitation, Placement
    from survey_app.surveys.invitations import issue_for
    from survey_app.surveys.responses import answer_for, save_response
    from survey_app.surveys.statuses import InvitationKind

    rows = run(
        Placement.insert(
            *[
                placement_row(
                    world,
                    clock,
                    local_authority=local_authority or world.la,
                    provider=provider or world.provider,
                    school=school or world.school,
                    pupil_reference=f"{prefix}-{answered_later:%Y%m%d}-{n}",
                    year_group=year_group,
                    start_date=(started - dt.timedelta(days=10)).date(),
                    planned_end_date=(answered_later + dt.timedelta(days=1)).date(),
                    ended_on=(answered_later + dt.timedelta(days=1)).date(),
                )
                for n in range(count)
            ]
        ).returning(Placement.id)
    )
    ids = [row["id"] for row in rows]
    for kind, moment, chosen in (
        (InvitationKind.START, started, start),
        (InvitationKind(later_kind), answered_later, later),
    ):
        period = moment.date().isoformat() if kind == InvitationKind.REVIEW else ""
        run(issue_for(settings, ids, moment, kind=kind, period=period))
        invitations = run(
            Invitation.select(Invitation.id, Invitation.questionnaire_id).where(
                Invitation.placement.is_in(ids), Invitation.kind == kind
            )
        )
        for invitation in invitations:
            questionnaire = current(invitation["questionnaire_id"])
            given = [
                answer_for(question, option)
                for question in questionnaire.questions
                for option in question.options
                if option.value == chosen.get(question.id)
            ]
            run(save_response(invitation["id"], questionnaire, given, moment))
    return ids
