"""Post, redirect, get, everywhere: every form post under /staff that succeeds answers with a
redirect to a page that can be opened (so refreshing it never posts again, and never shows
``{"status_code":405,...}``); one that fails shows its form again, in HTML, never JSON.

The routes are read from the application itself: a new staff form post fails this test until
it has a recipe here (or a reason it cannot have one).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.accounts.invitations import invite
from survey_app.accounts.scoping import Role
from survey_app.db.qa_tables import QAAction, YouSaid
from survey_app.db.staff_tables import ApiToken, StaffUser
from survey_app.db.tables import Answer, Invitation, SafeguardingAlert, School
from survey_app.qa.statuses import YouSaidStatus
from survey_app.safeguarding.statuses import ReviewStatus
from tests.survey_app.accounts.test_password_reset import ask_for_reset, reset_links
from tests.survey_app.organisations.gias_files import gias_csv
from tests.survey_app.organisations.helpers import number_the_authorities
from tests.survey_app.organisations.test_gias_import import OURS
from tests.survey_app.organisations.test_la_settings_page import GOOD as SETTINGS
from tests.survey_app.organisations.test_provider_pages import NEW as NEW_PROVIDER
from tests.survey_app.organisations.test_provider_register import HEADER, as_csv, register_row
from tests.survey_app.placements.test_placement_import import GOOD
from tests.survey_app.placements.test_placement_import import HEADER as PLACEMENTS_HEADER
from tests.survey_app.qa.test_qa_records import RECORD, VISIT
from tests.survey_app.qa.test_you_said import DID, SAID
from tests.survey_app.test_flow import record_placement
from tests.world import (
    PASSWORD,
    Clock,
    World,
    complete_survey,
    csrf_token,
    give_responses,
    issue_for_year,
    post_form,
    run,
    sign_in,
    token_for,
    totp_code,
)


class Post:
    """One form post as a browser sends it: who is signed in (None: nobody), where, what."""

    def __init__(
        self,
        who: str | None,
        url: str,
        data: dict[str, Any] | None = None,
        file: bytes | None = None,
    ) -> None:
        self.who, self.url, self.data, self.file = who, url, data or {}, file


Recipe = Callable[[Any, World, Any, Clock], Post]


def user_id(world: World, who: str) -> int:
    email = world.logins[who][0]
    return int(run(StaffUser.select(StaffUser.id).where(StaffUser.email == email).first())["id"])


def _placement(client: Any, world: World, settings: Any, clock: Clock) -> int:
    issued = issue_for_year(world, settings, clock, reference="PRG-1")
    row = run(Invitation.select(Invitation.placement).where(Invitation.id == issued.id).first())
    return int(row["placement"])


def _alert(client: Any, world: World, settings: Any, clock: Clock) -> int:
    """An alert raised by a pupil who said they felt unsafe (in the browser before staff sign
    in to it: signing in starts a fresh session)."""
    issued = issue_for_year(world, settings, clock, reference="PRG-2")
    complete_survey(client, issued.path, "end_years_4_6", {"felt_safe": "not_safe"})
    client.cookies.clear()
    return int(run(SafeguardingAlert.select(SafeguardingAlert.id).first())["id"])


def _invited(world: World, settings: Any, clock: Clock) -> Any:
    return run(
        invite(
            settings,
            email="new.colleague@example.test",
            role=Role.SCHOOL_CONTACT,
            local_authority_id=world.la,
            invited_by=None,
            inviter="a test",
            now=clock.now,
            school_id=world.school,
        )
    )


def _comment(client: Any, world: World, settings: Any, clock: Clock) -> int:
    give_responses(world, settings, clock, 1, comment="It was good.")
    row = run(Answer.select(Answer.id).where(Answer.review_status == ReviewStatus.PENDING).first())
    return int(row["id"])


def _action(client: Any, world: World) -> int:
    sign_in(client, world, "la_officer")
    post_form(client, f"/staff/providers/{world.provider}/visits", VISIT)
    client.cookies.clear()
    return int(run(QAAction.select(QAAction.id).first())["id"])


def _submitted(world: World, clock: Clock) -> int:
    """A provider's "you said, we did" waiting for the council's review."""
    rows = run(
        YouSaid.insert(
            YouSaid(
                local_authority=world.la,
                provider=world.provider,
                you_said=SAID,
                we_did=DID,
                status=YouSaidStatus.SUBMITTED,
                updated_at=clock.now,
            )
        ).returning(YouSaid.id)
    )
    return int(rows[0]["id"])


def _with_urns(world: World) -> None:
    for school, urn in ((world.school, "100001"), (world.second_school, "100002")):
        run(School.update({School.urn: urn}).where(School.id == school))


def _reset_link(client: Any, world: World) -> str:
    ask_for_reset(client, world.logins["school_contact"][0])
    return reset_links()[-1]


#: How to make each staff form post succeed, from a fresh test world.
RECIPES: dict[str, Recipe] = {
    "/staff/account/tokens/{token_id:int}/revoke": lambda c, w, s, k: Post(
        "la_officer",
        f"/staff/account/tokens/"
        f"{(token_for(w, 'la_officer', k), run(ApiToken.select(ApiToken.id).first()))[1]['id']}"
        "/revoke",
    ),
    "/staff/people/invite": lambda c, w, s, k: Post(
        "la_admin", "/staff/people/invite", {"email": "new@example.test", "role": "la_officer"}
    ),
    "/staff/people/{user_id:int}/role": lambda c, w, s, k: Post(
        "la_admin",
        f"/staff/people/{user_id(w, 'la_officer')}/role",
        {"role": "la_safeguarding"},
    ),
    "/staff/people/{user_id:int}/disable": lambda c, w, s, k: Post(
        "la_admin", f"/staff/people/{user_id(w, 'school_contact')}/disable"
    ),
    "/staff/people/{user_id:int}/enable": lambda c, w, s, k: (
        run(
            StaffUser.update({StaffUser.active: False}).where(
                StaffUser.id == user_id(w, "school_contact")
            )
        ),
        Post("la_admin", f"/staff/people/{user_id(w, 'school_contact')}/enable"),
    )[1],
    "/staff/people/{user_id:int}/resend": lambda c, w, s, k: Post(
        "la_admin", f"/staff/people/{_invited(w, s, k).user_id}/resend"
    ),
    "/staff/people/{user_id:int}/second-factor": lambda c, w, s, k: Post(
        "la_admin",
        f"/staff/people/{user_id(w, 'la_officer')}/second-factor",
        {"password": PASSWORD},
    ),
    "/staff/password-reset": lambda c, w, s, k: Post(
        None, "/staff/password-reset", {"email": w.logins["school_contact"][0]}
    ),
    "/staff/password-reset/{token:str}": lambda c, w, s, k: Post(
        None, _reset_link(c, w), {"password": "a brand new passphrase"}
    ),
    "/staff/sign-in": lambda c, w, s, k: Post(
        None,
        "/staff/sign-in",
        {"email": w.logins["school_contact"][0], "password": PASSWORD},
    ),
    "/staff/sign-out": lambda c, w, s, k: Post("school_contact", "/staff/sign-out"),
    "/staff/mfa": lambda c, w, s, k: (
        post_form(
            c,
            "/staff/sign-in",
            {"email": w.logins["la_officer"][0], "password": PASSWORD},
            follow_redirects=False,
        ),
        k.advance(seconds=30),
        Post(None, "/staff/mfa", {"code": totp_code("la_officer")}),
    )[2],
    "/staff/invitation/{token:str}": lambda c, w, s, k: Post(
        None,
        _invited(w, s, k).link.removeprefix(s.base_url),
        {"password": "a brand new passphrase", "confirm": "a brand new passphrase"},
    ),
    "/staff/providers/new": lambda c, w, s, k: Post(
        "la_officer", "/staff/providers/new", NEW_PROVIDER
    ),
    "/staff/providers/{provider_id:int}/edit": lambda c, w, s, k: Post(
        "la_officer", f"/staff/providers/{w.provider}/edit", {**NEW_PROVIDER, "name": "Meadow Farm"}
    ),
    "/staff/providers/{provider_id:int}/archive": lambda c, w, s, k: Post(
        "la_officer", f"/staff/providers/{w.second_provider}/archive"
    ),
    "/staff/providers/import": lambda c, w, s, k: Post(
        "la_officer",
        "/staff/providers/import",
        file=as_csv([HEADER, register_row(1), register_row(2)]),
    ),
    "/staff/schools/new": lambda c, w, s, k: Post(
        "la_officer", "/staff/schools/new", {"name": "Ash School", "urn": "123456"}
    ),
    "/staff/schools/{school_id:int}/edit": lambda c, w, s, k: Post(
        "la_officer",
        f"/staff/schools/{w.school}/edit",
        {"name": "Oak School", "urn": "100001", "status": "open"},
    ),
    "/staff/schools/import": lambda c, w, s, k: (
        number_the_authorities(w),
        Post("la_officer", "/staff/schools/import", file=gias_csv(OURS)),
    )[1],
    "/staff/schools/emails": lambda c, w, s, k: (
        _with_urns(w),
        Post("la_officer", "/staff/schools/emails", file=b"URN,email\r\n100001,o@oak.example\r\n"),
    )[1],
    "/staff/settings": lambda c, w, s, k: Post("la_admin", "/staff/settings", SETTINGS),
    "/staff/placements/new": lambda c, w, s, k: Post(
        "la_officer",
        "/staff/placements/new",
        {
            "pupil_reference": "NEW-1",
            "year_group": "8",
            "provider_id": str(w.provider),
            "school_id": str(w.school),
            "start_date": "2026-09-07",
            "hours_per_week": "9",
        },
    ),
    "/staff/placements/import": lambda c, w, s, k: Post(
        "la_officer", "/staff/placements/import", file=(PLACEMENTS_HEADER + GOOD).encode()
    ),
    "/staff/placements/{placement_id:int}/end": lambda c, w, s, k: Post(
        "la_officer",
        record_placement_url(c, w) + "/end",
        {"ended_on": ""},
    ),
    "/staff/placements/{placement_id:int}/edit": lambda c, w, s, k: Post(
        "la_officer",
        f"/staff/placements/{_placement(c, w, s, k)}/edit",
        {
            "provider_id": str(w.provider),
            "school_id": str(w.school),
            "year_group": "5",
            "start_date": "2026-09-01",
            "hours_per_week": "7",
        },
    ),
    "/staff/placements/{placement_id:int}/cancel": lambda c, w, s, k: Post(
        "la_officer", f"/staff/placements/{_placement(c, w, s, k)}/cancel"
    ),
    "/staff/placements/{placement_id:int}/reissue": lambda c, w, s, k: Post(
        "la_officer", f"/staff/placements/{_placement(c, w, s, k)}/reissue", {"link_version": "0"}
    ),
    "/staff/placements/{placement_id:int}/extend": lambda c, w, s, k: Post(
        "la_officer",
        f"/staff/placements/{_placement(c, w, s, k)}/extend",
        {"closes_on": "2027-01-29"},
    ),
    "/staff/providers/{provider_id:int}/qa": lambda c, w, s, k: Post(
        "la_officer", f"/staff/providers/{w.provider}/qa", RECORD
    ),
    "/staff/providers/{provider_id:int}/visits": lambda c, w, s, k: Post(
        "la_officer", f"/staff/providers/{w.provider}/visits", VISIT
    ),
    "/staff/providers/{provider_id:int}/actions/{action_id:int}/done": lambda c, w, s, k: Post(
        "la_officer", f"/staff/providers/{w.provider}/actions/{_action(c, w)}/done"
    ),
    "/staff/safeguarding/{alert_id:int}/acknowledge": lambda c, w, s, k: Post(
        "safeguarding", f"/staff/safeguarding/{_alert(c, w, s, k)}/acknowledge"
    ),
    "/staff/safeguarding/{alert_id:int}/action": lambda c, w, s, k: Post(
        "safeguarding",
        f"/staff/safeguarding/{_alert(c, w, s, k)}/action",
        {"action": "Called the school's DSL."},
    ),
    "/staff/comments/{answer_id:int}": lambda c, w, s, k: Post(
        "safeguarding", f"/staff/comments/{_comment(c, w, s, k)}", {"decision": "withhold"}
    ),
    "/staff/you-said/new": lambda c, w, s, k: Post(
        "provider_staff", "/staff/you-said/new", {"you_said": SAID, "we_did": DID, "action": "save"}
    ),
    "/staff/you-said/{entry_id:int}": lambda c, w, s, k: Post(
        "la_officer",
        f"/staff/you-said/{_submitted(w, k)}",
        {"you_said": SAID, "we_did": DID, "action": "publish"},
    ),
}

#: Posts that cannot redirect, and why: each is checked for what it does instead.
NOT_REDIRECTED = {
    # The new token is shown once, on the page answering the post, and never stored: there is
    # no page a redirect could lead to that could show it. htmx keeps the form's address.
    "/staff/account/tokens",
    # Enrolling an authenticator is a sign-in step with its own tests
    # (tests/survey_app/accounts/test_second_factor.py); it answers with redirects.
    "/staff/mfa/setup",
}


def record_placement_url(client: Any, world: World) -> str:
    sign_in(client, world, "la_officer")
    url: str = record_placement(client, world).headers["location"]
    client.cookies.clear()
    return url


def staff_posts(app: Any) -> set[str]:
    return {
        route.path
        for route in app.routes
        if route.path.startswith("/staff") and "POST" in getattr(route, "methods", set())
    }


def test_every_staff_form_post_has_a_recipe_here(app: Any) -> None:
    assert staff_posts(app) - set(RECIPES) - NOT_REDIRECTED == set()


def send(client: Any, post: Post) -> Any:
    if post.file is not None:
        return client.post(
            post.url,
            data={**post.data, "_csrf_token": csrf_token(client)},
            files={"file": ("upload.csv", post.file, "text/csv")},
            follow_redirects=False,
        )
    return post_form(client, post.url, post.data, follow_redirects=False)


@pytest.mark.parametrize("route", sorted(RECIPES))
def test_a_successful_post_redirects_to_a_page_that_opens(
    route: str, client: Any, world: World, settings: Any, clock: Clock
) -> None:
    post = RECIPES[route](client, world, settings, clock)
    if post.who is not None:
        sign_in(client, world, post.who)
    response = send(client, post)
    assert response.status_code in (302, 303), (route, response.status_code, response.text[:400])
    location = response.headers["location"]
    landed = client.get(location, follow_redirects=True)
    assert landed.status_code == 200, (route, location)
    assert landed.headers["content-type"].startswith("text/html"), (route, location)
    # Refreshing the page the browser landed on asks for it again, and gets it again.
    assert client.get(str(landed.url)).status_code == 200


#: A bad post for routes that take input, and the field it must name.
BAD: dict[str, tuple[str, dict[str, str]]] = {
    "/staff/placements/new": ("/staff/placements/new", {"pupil_reference": "Jane Smith"}),
    "/staff/settings": ("/staff/settings", {"invitation_expiry_days": "lots"}),
    "/staff/people/invite": ("/staff/people/invite", {"email": "not an email", "role": ""}),
    "/staff/schools/new": ("/staff/schools/new", {"name": "", "urn": "x"}),
}


@pytest.mark.parametrize("route", sorted(BAD))
def test_a_failed_post_shows_its_form_again_in_html_keeping_the_address(
    route: str, client: Any, world: World
) -> None:
    url, data = BAD[route]
    sign_in(client, world, "la_admin")
    response = post_form(client, url, data, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one(".govuk-error-summary"), "the problems are named"
    assert page.select_one("form[method=post]"), "the form is shown again"
    # htmx's boost would otherwise put the post's address in the bar, for a refresh to GET.
    assert response.headers["hx-push-url"] == "false"


def test_a_new_api_token_is_shown_once_and_the_address_stays_on_the_tokens_page(
    client: Any, world: World
) -> None:
    sign_in(client, world, "la_officer")
    response = post_form(client, "/staff/account/tokens", {"label": "MIS sync"})
    assert response.status_code == 201
    assert response.headers["hx-push-url"] == "false"
    assert client.get("/staff/account/tokens").status_code == 200


def test_opening_a_post_only_address_shows_a_page_not_json(client: Any, world: World) -> None:
    """What refreshing after closing a safeguarding alert showed: ``{"status_code":405,...}``."""
    sign_in(client, world, "safeguarding")
    response = client.get("/staff/safeguarding/1/action")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    page = BeautifulSoup(response.text, "html.parser")
    assert page.h1.get_text(strip=True) == "This page is for sending a form"
    assert page.select_one("#back")["href"] == "/staff/safeguarding/1"
    # The API keeps answering in JSON.
    api = client.get(f"/api/v1/placements/1/cancel?x={uuid.uuid4().hex}")
    assert api.headers["content-type"].startswith("application/json")
