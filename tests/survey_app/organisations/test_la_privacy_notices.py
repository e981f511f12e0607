"""Privacy notices filled from the council's settings: a pupil reads their own LA's, with its
controller, data protection officer and retention period; where a council has filled nothing
in, the notice names who to ask rather than leaving a gap."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from litestar.testing import TestClient

from survey_app.db.tables import LaSettings, LocalAuthority, Placement
from survey_app.surveys.due import issue_due
from survey_app.surveys.invitations import link_for
from tests.world import Clock, World, placement_row, run, sign_in


def notice(client: Any, path: str = "/privacy") -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def text(soup: BeautifulSoup, selector: str) -> str:
    found = soup.select_one(selector)
    assert found is not None, selector
    return " ".join(found.get_text().split())


def open_survey_of_other_la(world: World, settings: Any, clock: Clock, client: Any) -> None:
    """A pupil of Eastshire opens their survey link."""
    run(
        Placement.insert(
            placement_row(
                world,
                clock,
                local_authority=world.other_la,
                school=world.other_school,
                provider=world.other_provider,
                pupil_reference="FAR-1",
            )
        )
    )
    run(issue_due(settings, clock.now))
    row = run(Placement.select(Placement.id).where(Placement.pupil_reference == "FAR-1").first())
    from survey_app.db.tables import Invitation

    invitation = run(
        Invitation.select(Invitation.id).where(Invitation.placement == row["id"]).first()
    )
    link = link_for(settings, invitation["id"], 0).url.removeprefix(settings.base_url)
    assert client.get(link).status_code == 200


def test_a_pupil_of_la_b_reads_la_bs_privacy_notice(
    app: Any, world: World, settings: Any, clock: Clock
) -> None:
    for la_id, name in ((world.la, "Westshire"), (world.other_la, "Eastshire")):
        run(
            LaSettings.insert(
                LaSettings(
                    local_authority=la_id,
                    controller=f"{name} County Council",
                    dpo_contact=f"dpo@{name.lower()}.example",
                    retention_days=730 if name == "Eastshire" else 1095,
                )
            )
        )
    with TestClient(app, base_url="http://testserver.local") as pupil:
        open_survey_of_other_la(world, settings, clock, pupil)
        survey = BeautifulSoup(pupil.get("/survey").text, "html.parser")
        assert "Eastshire" in text(survey, "#council")
        assert survey.select_one("footer a[href='/privacy']") is not None
        soup = notice(pupil)
    assert text(soup, "#controller").startswith("Eastshire County Council looks after")
    assert "dpo@eastshire.example" in text(soup, "#dpo")
    assert "After 2 years" in text(soup, "#retention")
    assert "Westshire" not in soup.get_text()


def test_a_notice_the_council_has_not_filled_in_names_who_to_ask(
    app: Any, world: World, settings: Any, clock: Clock
) -> None:
    run(
        LocalAuthority.update({LocalAuthority.contact_email: "ap@eastshire.example"}).where(
            LocalAuthority.id == world.other_la
        )
    )
    with TestClient(app, base_url="http://testserver.local") as pupil:
        open_survey_of_other_la(world, settings, clock, pupil)
        soup = notice(pupil)
    assert text(soup, "#controller").startswith("Eastshire looks after")
    assert "ap@eastshire.example" in text(soup, "#dpo")
    assert "After 3 years" in text(soup, "#retention")


def test_someone_without_a_survey_reads_the_general_notice_without_gaps(client: Any) -> None:
    soup = notice(client)
    assert "the local authority (council) that sent you the link" in text(soup, "#controller")
    assert "data protection officer" in text(soup, "#dpo")


def test_staff_read_their_own_councils_staff_notice(client: Any, world: World) -> None:
    run(
        LaSettings.insert(
            LaSettings(local_authority=world.la, controller="Westshire Council", retention_days=365)
        )
    )
    sign_in(client, world, "la_officer")
    soup = notice(client, "/privacy/staff")
    assert text(soup, "#controller").startswith("Westshire Council is the data controller")
    assert "after 1 year" in text(soup, "#retention")
