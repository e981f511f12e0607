"""Demonstration data: one LA, its schools and providers, placements in every year group."""

from __future__ import annotations

import datetime as dt
import random

import msgspec

from questionnaires.loader import current
from survey_app.accounts.scoping import Role
from survey_app.accounts.users import create_user
from survey_app.db.engine import transaction
from survey_app.db.qa_tables import QAVisit
from survey_app.db.tables import Invitation, LocalAuthority, Placement, ProviderRecord
from survey_app.organisations.authorities import create_authority
from survey_app.organisations.provider_register import save_entry
from survey_app.organisations.register_file import RegisterEntry
from survey_app.organisations.schools import add_school
from survey_app.qa.statuses import ActionStatus, VisitKind
from survey_app.safeguarding.statuses import ReviewStatus
from survey_app.settings import Settings
from survey_app.surveys.due import issue_due
from survey_app.surveys.responses import AnswerIn, answer_for, save_response
from survey_app.surveys.statuses import InvitationStatus

DEMO_LA_CODE = "E99999999"
#: Not a real DfE LA number (those run 201 to 938), so a real GIAS file imports nothing here.
DEMO_DFE_NUMBER = "999"


class DemoLogin(msgspec.Struct, frozen=True):
    role: str
    email: str
    password: str


#: Shown by `make run` and in the README; only ever created by `survey-app demo`.
DEMO_LOGINS = [
    DemoLogin("LA officer", "officer@northshire.example", "demo-officer-pass"),
    DemoLogin("School contact", "contact@fernhill.example", "demo-school-pass"),
    DemoLogin("Provider staff", "staff@greenshoots.example", "demo-provider-pass"),
    DemoLogin("LA safeguarding contact", "safeguarding@northshire.example", "demo-safe-pass"),
]

#: The demo LA officer's authenticator key (demo data only): type it into an authenticator app.
DEMO_TOTP_SECRET = "NORTHSHIREDEMOLAOFFICER2"  # noqa: S105 - published demo data

SCHOOLS = [
    ("Fernhill Academy", "199001", "contact@fernhill.example"),
    ("St Aidan's Primary School", "199002", "office@staidans.example"),
    ("Riverside High School", "199003", "inclusion@riverside.example"),
]

#: name, postcode, registration, offer, QA stage, rating, days since the last visit.
PROVIDERS = [
    ("Green Shoots Farm", "NS1 4GS", "unregistered", "vocational", "approved", "green", 40),
    ("Bright Steps Tutoring", "NS2 7BT", "unregistered", "tutoring", "visited", "amber", 95),
    (
        "Harbour Wellbeing Centre",
        "NS3 1HW",
        "unregistered",
        "therapeutic",
        "documents_checked",
        "not_rated",
        None,
    ),
    ("Northshire Motor Skills", "NS4 9MS", "under_review", "vocational", "visited", "red", 20),
]


async def load_demo(settings: Settings, now: dt.datetime) -> bool:
    """Load the demonstration data once; returns False if it was already there."""
    if await LocalAuthority.exists().where(LocalAuthority.code == DEMO_LA_CODE):
        return False
    today = now.date()
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    async with transaction():
        # The same functions a council sets itself up with (``survey-app la add``, the schools
        # pages), so the demo exercises them; the demo has no administrator to invite.
        la_id = await create_authority(
            name="Northshire Council",
            code=DEMO_LA_CODE,
            dfe_number=DEMO_DFE_NUMBER,
            contact_email="ap-team@northshire.example",
            safeguarding_email="safeguarding@northshire.example",
        )
        school_ids = []
        for name, urn, email in SCHOOLS:
            school_id, problems = await add_school(la_id, name=name, urn=urn, contact_email=email)
            assert school_id is not None, problems
            school_ids.append(school_id)
        provider_ids = []
        for name, postcode, registration, offer, stage, rag, visited_days_ago in PROVIDERS:
            visited = today - dt.timedelta(days=visited_days_ago) if visited_days_ago else None
            # Registered as the council's own register import does it, then given a QA record.
            entry = RegisterEntry(
                name=name,
                postcode=postcode,
                contact_email=f"office@{name.split()[0].lower()}.example",
                registration_status=registration,
                offer_types=[offer],
            )
            _, provider_id = await save_entry(la_id, entry)
            await ProviderRecord.update(
                {
                    ProviderRecord.qa_stage: stage,
                    ProviderRecord.rag_rating: rag,
                    ProviderRecord.rag_rated_on: visited,
                    ProviderRecord.last_visit_on: visited,
                }
            ).where(ProviderRecord.local_authority == la_id, ProviderRecord.provider == provider_id)
            provider_ids.append(provider_id)
            if visited:
                await QAVisit.insert(
                    QAVisit(
                        local_authority=la_id,
                        provider=provider_id,
                        visited_on=visited,
                        kind=VisitKind.ROUTINE,
                        summary="Routine QA visit: documents, safeguarding and learning walk.",
                    )
                )
        placements = []
        # 40 placements, every year group, Green Shoots (the demo provider login) with the most,
        # so its staff see figures above the small-number threshold.
        provider_order = [0, 0, 1, 2, 3]
        for index in range(40):
            year = 4 + index % 8
            start = today - dt.timedelta(days=120 - index * 2)
            status = index % 3  # 0: ended, 1: ends soon, 2: running
            placements.append(
                Placement(
                    local_authority=la_id,
                    school=school_ids[index % len(school_ids)] if index % 4 else None,
                    la_team=None if index % 4 else "SEN team",
                    provider=provider_ids[provider_order[index % len(provider_order)]],
                    pupil_reference=f"NS-{today.year}-{index + 1:03d}",
                    year_group=year,
                    start_date=start,
                    planned_end_date=today + dt.timedelta(days=(-5, 3, 60)[status]),
                    ended_on=today - dt.timedelta(days=5) if status == 0 else None,
                    hours_per_week=rng.choice([6.0, 9.0, 12.5, 15.0]),
                    purpose="Re-engage with learning and build confidence before returning.",
                    simplest_version=year >= 7 and index % 7 == 0,
                    created_at=now,
                )
            )
        await Placement.insert(*placements)
    for login, (role, org) in zip(
        DEMO_LOGINS,
        [
            (Role.LA_OFFICER, {}),
            (Role.SCHOOL_CONTACT, {"school_id": school_ids[0]}),
            (Role.PROVIDER_STAFF, {"provider_id": provider_ids[0]}),
            (Role.LA_SAFEGUARDING, {}),
        ],
        strict=True,
    ):
        await create_user(
            email=login.email,
            password=login.password,
            role=role,
            local_authority_id=la_id,
            now=now,
            **org,
        )
    from survey_app.accounts import second_factor as mfa
    from survey_app.db.staff_tables import StaffUser

    for login in (DEMO_LOGINS[0], DEMO_LOGINS[3]):
        user = await StaffUser.select(StaffUser.id).where(StaffUser.email == login.email).first()
        assert user is not None  # created just above
        await mfa.enable(user["id"], settings.secret_key, DEMO_TOTP_SECRET, 0)
    await _past_terms(settings, rng, now, la_id, school_ids, provider_ids)
    await issue_due(settings, now)
    await _answer_some(rng, now, provider_ids[3])
    await _qa_history(la_id, provider_ids, now)
    await _triage(settings, now)
    return True


#: What pupils write, and how often it is released after review (the rest wait in the queue).
COMMENTS = [
    "Working with the animals.",
    "The staff listened to me and didn't shout.",
    "I liked fixing the engine with Dave.",
    "Doing maths in the workshop made sense for once.",
    "It was too far to travel and I was late a lot.",
    "I wanted more days there.",
    "I was scared of the older lads sometimes.",
    "Nobody told me when it was ending.",
]
#: Pupils at the demo's red-rated provider answer less positively, so the area summary flags it.
WEIGHTS = {
    "usual": {"positive": 6, "neutral": 2, "negative": 1, "not_known": 1},
    "worried": {"positive": 2, "neutral": 2, "negative": 4, "not_known": 1},
}


async def _past_terms(
    settings: Settings,
    rng: random.Random,
    now: dt.datetime,
    la_id: int,
    school_ids: list[int],
    provider_ids: list[int],
) -> None:
    """Placements that ended in the four terms before this one, each with its survey answered."""
    from survey_app.db.tables import OutboxMessage
    from survey_app.surveys.invitations import issue_for

    today = now.date()
    counter = 100
    for terms_ago in range(4, 0, -1):
        ended = today - dt.timedelta(days=120 * terms_ago)
        moment = now - dt.timedelta(days=120 * terms_ago)
        rows = []
        for provider_index, count in enumerate((9, 6, 5, 6)):
            for _ in range(count):
                counter += 1
                year = rng.randint(4, 11)
                rows.append(
                    Placement(
                        local_authority=la_id,
                        school=school_ids[counter % len(school_ids)] if counter % 4 else None,
                        la_team=None if counter % 4 else "SEN team",
                        provider=provider_ids[provider_index],
                        pupil_reference=f"NS-{ended.year}-{counter:03d}",
                        year_group=year,
                        start_date=ended - dt.timedelta(days=90),
                        planned_end_date=ended,
                        ended_on=ended,
                        hours_per_week=rng.choice([6.0, 9.0, 12.5, 15.0]),
                        purpose="Re-engage with learning and build confidence before returning.",
                        simplest_version=False,
                        created_at=moment,
                    )
                )
        inserted = await Placement.insert(*rows).returning(Placement.id)
        await issue_for(settings, [row["id"] for row in inserted], moment)
        await _answer_some(rng, moment + dt.timedelta(days=2), provider_ids[3])
    # Those surveys were long since sent: keep the demo outbox to what is happening now.
    await OutboxMessage.delete().where(OutboxMessage.created_at < now - dt.timedelta(days=1))


async def _qa_history(la_id: int, provider_ids: list[int], now: dt.datetime) -> None:
    """Ratings that changed over time, a spot-check with actions, results discussed at a visit."""
    from survey_app.db.qa_tables import QAAction, QARecordChange

    today = now.date()
    changes = [
        (provider_ids[1], "green", "amber", 95, "Attendance records incomplete at the last visit."),
        (provider_ids[3], "green", "amber", 300, "Staff DBS checks out of date."),
        (provider_ids[3], "amber", "red", 20, "Spot-check: unsafe workshop practice."),
    ]
    for provider, old, new, days_ago, reason in changes:
        await QARecordChange.insert(
            QARecordChange(
                local_authority=la_id,
                provider=provider,
                field="rag_rating",
                old_value=old,
                new_value=new,
                reason=reason,
                effective_on=today - dt.timedelta(days=days_ago),
                changed_at=now - dt.timedelta(days=days_ago),
            )
        )
        if new == "red":
            await ProviderRecord.update({ProviderRecord.rag_reason: reason}).where(
                ProviderRecord.local_authority == la_id, ProviderRecord.provider == provider
            )
    visit = await QAVisit.insert(
        QAVisit(
            local_authority=la_id,
            provider=provider_ids[3],
            visited_on=today - dt.timedelta(days=20),
            kind=VisitKind.SPOT_CHECK,
            summary="Unannounced visit after learners' answers on safety fell well below the area.",
            officers="J. Patel, R. Okafor",
            learner_voice_discussed=True,
            learner_voice_note="Shared that fewer than half of learners felt safe; manager agreed.",
            recorded_at=now - dt.timedelta(days=20),
        )
    ).returning(QAVisit.id)
    await QAAction.insert(
        QAAction(
            local_authority=la_id,
            provider=provider_ids[3],
            visit=visit[0]["id"],
            description="Written risk assessment for every workshop machine.",
            due_on=today + dt.timedelta(days=10),
            status=ActionStatus.OPEN,
        )
    )


async def _triage(settings: Settings, now: dt.datetime) -> None:
    """Release most comments as if reviewed; raise alerts for worrying ones, as the survey would."""
    from survey_app.db.tables import Answer
    from survey_app.safeguarding.screening import matches
    from survey_app.safeguarding.triage import raise_alert

    unsafe = await Answer.select(
        Answer.question_id, Answer.value, Answer.response.invitation.as_alias("inv")
    ).where(
        Answer.question_id == "felt_safe",
        Answer.value.is_in(["not_safe", "not_very_safe"]),
        Answer.response.submitted_at >= now - dt.timedelta(days=1),
    )
    for answer in unsafe:
        async with transaction():
            await raise_alert(
                settings,
                invitation_id=answer["inv"],
                question_id=answer["question_id"],
                answer_value=answer["value"],
                reason="answer",
                matched_terms=[],
                now=now,
            )
    comments = await Answer.select(
        Answer.id, Answer.text, Answer.question_id, Answer.response.invitation.as_alias("inv")
    ).where(Answer.review_status == ReviewStatus.PENDING)
    for number, comment in enumerate(comments):
        found = matches(comment["text"] or "")
        if found:
            async with transaction():
                await raise_alert(
                    settings,
                    invitation_id=comment["inv"],
                    question_id=comment["question_id"],
                    answer_value="",
                    reason="words",
                    matched_terms=found,
                    now=now,
                )
            continue
        if number % 4 != 3:
            await Answer.update(
                {Answer.review_status: ReviewStatus.RELEASED, Answer.released_text: comment["text"]}
            ).where(Answer.id == comment["id"])


async def _answer_some(rng: random.Random, now: dt.datetime, worried_provider: int = 0) -> None:
    """Complete about four in five open invitations with plausible answers."""
    invitations = await (
        Invitation.select(
            Invitation.id,
            Invitation.questionnaire_id,
            Invitation.placement.provider.as_alias("provider"),
        )
        .where(Invitation.status == InvitationStatus.OPEN)
        .order_by(Invitation.placement)
    )
    for number, invitation in enumerate(invitations):
        if number % 5 == 4:  # leave some waiting, so the demo shows surveys still to do
            continue
        questionnaire = current(invitation["questionnaire_id"])
        answers = []
        for question in questionnaire.questions:
            if question.kind == "text":
                if question.id == "best_thing" and rng.random() < 0.6:
                    text = rng.choice(COMMENTS)
                    answers.append(AnswerIn(question.id, None, None, None, text))
                continue
            if question.id == "talk_to_someone":
                continue
            profile = WEIGHTS["worried" if invitation["provider"] == worried_provider else "usual"]
            weights = [profile[o.polarity] for o in question.options]
            option = rng.choices(question.options, weights=weights)[0]
            answers.append(answer_for(question, option))
        await save_response(invitation["id"], questionnaire, answers, now)
