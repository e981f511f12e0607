"""Pupils with open surveys, made through the service's own code, for live-server runs."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from survey_app.db.tables import (
    Invitation,
    LocalAuthority,
    Placement,
    Provider,
    ProviderRecord,
    School,
)
from survey_app.settings import Settings
from survey_app.surveys.due import issue_due
from survey_app.surveys.invitations import link_for, today_in_england

YEAR_GROUPS = (5, 8, 10)


async def an_area(name: str = "Loadshire") -> dict[str, int]:
    """One LA with a school and a provider, named so as not to clash with other data."""
    suffix = uuid.uuid4().hex[:6]
    la = await LocalAuthority.insert(
        LocalAuthority(name=f"{name} {suffix}", code=f"E9{suffix}", contact_email="la@example.test")
    ).returning(LocalAuthority.id)
    school = await School.insert(
        School(local_authority=la[0]["id"], name=f"School {suffix}", contact_email="s@example.test")
    ).returning(School.id)
    provider = await Provider.insert(Provider(name=f"Provider {suffix}")).returning(Provider.id)
    await ProviderRecord.insert(
        ProviderRecord(
            local_authority=la[0]["id"],
            provider=provider[0]["id"],
            contact_email="p@example.test",
            registration_status="unregistered",
            offer_types="vocational",
            qa_stage="approved",
            rag_rating="green",
        )
    )
    return {"la": la[0]["id"], "school": school[0]["id"], "provider": provider[0]["id"]}


async def ended_placements(
    area: dict[str, int], count: int, now: dt.datetime, prefix: str = "LOAD"
) -> list[int]:
    """``count`` placements that ended yesterday, years 5, 8 and 10 in turn, in one insert."""
    ended = today_in_england(now) - dt.timedelta(days=1)
    rows = await Placement.insert(
        *[
            Placement(
                local_authority=area["la"],
                school=area["school"],
                provider=area["provider"],
                commissioner_key=f"school:{area['school']}",
                pupil_reference=f"{prefix}-{number:06d}",
                year_group=YEAR_GROUPS[number % len(YEAR_GROUPS)],
                start_date=ended - dt.timedelta(days=60),
                ended_on=ended,
                hours_per_week=6.0,
                created_at=now,
            )
            for number in range(count)
        ]
    ).returning(Placement.id)
    return [row["id"] for row in rows]


async def open_surveys(settings: Settings, count: int, now: dt.datetime) -> list[dict[str, Any]]:
    """``count`` pupils whose survey is open: each one's link path and questionnaire id."""
    area = await an_area()
    placements = await ended_placements(area, count, now)
    await issue_due(settings, now)
    rows = await Invitation.select(
        Invitation.id, Invitation.revocation_counter, Invitation.questionnaire_id
    ).where(Invitation.placement.is_in(placements))
    base = settings.base_url.rstrip("/")
    return [
        {
            "id": row["id"],
            "link_path": link_for(settings, row["id"], row["revocation_counter"]).url.removeprefix(
                base
            ),
            "questionnaire_id": row["questionnaire_id"],
        }
        for row in rows
    ]
