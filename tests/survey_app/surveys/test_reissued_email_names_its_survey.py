"""A reissued link's email to the school names the survey it is for: reissuing a start survey
sent "End-of-placement survey ... has ended" for a pupil who had just started."""

from __future__ import annotations

from typing import Any

from survey_app.db.tables import Invitation, OutboxMessage
from tests.world import Clock, World, issue_start, post_form, run


def test_a_reissued_start_survey_link_is_emailed_as_the_start_survey(
    signed_in: Any, world: World, settings: Any, clock: Clock
) -> None:
    start = issue_start(world, settings, clock, reference="NEW-7")
    placement = run(
        Invitation.select(Invitation.placement).where(Invitation.id == start.id).first()
    )
    url = f"/staff/placements/{placement['placement']}"
    post_form(signed_in, f"{url}/reissue", {"invitation": str(start.id), "link_version": "0"})
    email = run(
        OutboxMessage.select(OutboxMessage.subject, OutboxMessage.body)
        .where(OutboxMessage.dedupe_key == f"opened:commissioner:{start.id}:reissued-1")
        .first()
    )
    assert email is not None
    assert email["subject"].startswith("Start survey for pupil NEW-7")
    assert "has ended" not in email["body"] and "end-of-placement" not in email["body"]
