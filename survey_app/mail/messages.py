"""What the service tells people by email: short, plain English, a link, never a pupil's answers."""

from __future__ import annotations

import datetime as dt

import msgspec

from survey_app.web.display import long_date


class Message(msgspec.Struct, frozen=True):
    """One email to queue; ``dedupe_key`` makes queueing it a second time do nothing."""

    dedupe_key: str
    kind: str
    local_authority_id: int
    recipient: str
    subject: str
    body: str


def _signature() -> str:
    return "\n\nThis message was sent by Learner voice. Please do not reply to it."


def survey_open_for_commissioner(
    *,
    la: int,
    invitation: str,
    to: str,
    reference: str,
    provider: str,
    link: str,
    code: str,
    expires: dt.date,
) -> Message:
    """To the school contact (or LA team): their pupil's end-of-placement survey is open."""
    body = (
        f"The placement for your pupil {reference} at {provider} has ended, so their feedback "
        f"survey is open.\n\nPlease give the pupil this link, or the short code, so they can tell "
        f"us what it was like. It takes about five minutes on a phone.\n\nLink: {link}\n"
        f"Short code: {code} (typed at the address above, ending /code)\n\n"
        f"The survey closes at the end of {long_date(expires)}. We will remind you if it is not "
        f"done. You will see the pupil's answers in Learner voice when they have finished."
    )
    return Message(
        f"opened:commissioner:{invitation}",
        "survey_opened",
        la,
        to,
        f"Feedback survey for pupil {reference} is open",
        body + _signature(),
    )


def survey_open_for_provider(
    *, la: int, invitation: str, to: str, reference: str, slips_url: str, expires: dt.date
) -> Message:
    """To the provider: please help this learner complete their survey."""
    body = (
        f"Learner {reference}'s placement with you has ended, and their feedback survey is open "
        f"until the end of {long_date(expires)}.\n\nPlease give them a few minutes in a session to "
        f"complete it on a phone or tablet. You can print their QR code slip here: {slips_url}\n\n"
        f"You will only ever see totals from many learners, never one learner's answers."
    )
    return Message(
        f"opened:provider:{invitation}",
        "survey_opened",
        la,
        to,
        f"Please help learner {reference} give feedback",
        body + _signature(),
    )


def reminder(
    *,
    la: int,
    invitation: str,
    day: int,
    who: str,
    to: str,
    reference: str,
    link: str,
    expires: dt.date,
) -> Message:
    """A reminder that a pupil's survey is still waiting."""
    body = (
        f"Pupil {reference}'s feedback survey is still waiting to be done. It closes at the end "
        f"of {long_date(expires)}.\n\n"
        + (f"Link to give the pupil: {link}" if who == "commissioner" else f"QR code slips: {link}")
    )
    return Message(
        f"reminder:{who}:{invitation}:{day}",
        "reminder",
        la,
        to,
        f"Reminder: feedback survey for pupil {reference}",
        body + _signature(),
    )


def weekly_digest(
    *,
    la: int,
    week: str,
    to: str,
    by_provider: list[tuple[str, int]],
    by_school: list[tuple[str, int]],
    open_ended: int,
    chasing_url: str,
) -> Message:
    """To the LA: what is outstanding, by provider and by school."""
    lines = [f"Surveys waiting for pupils, week {week}.", "", "By provider:"]
    lines += [f"  {name}: {count}" for name, count in by_provider] or ["  none"]
    lines += ["", "By school or LA team:"]
    lines += [f"  {name}: {count}" for name, count in by_school] or ["  none"]
    lines += [
        "",
        f"Open-ended placements with no end date: {open_ended}",
        "",
        f"Chasing list, most overdue first: {chasing_url}",
    ]
    return Message(
        f"digest:{la}:{week}",
        "digest",
        la,
        to,
        f"Learner voice: outstanding surveys, {week}",
        "\n".join(lines) + _signature(),
    )


def password_reset(*, la: int, reset_id: int, to: str, link: str) -> Message:
    """A single-use link to choose a new password."""
    body = (
        f"Someone asked to reset the password for this Learner voice account.\n\n"
        f"To choose a new password, open this link within an hour. It works once:\n{link}\n\n"
        f"If it was not you, you can ignore this message: your password has not changed."
    )
    return Message(
        f"password-reset:{reset_id}",
        "password_reset",
        la,
        to,
        "Reset your Learner voice password",
        body + _signature(),
    )


def safeguarding_alert(*, la: int, alert_id: int, to: str, queue_url: str) -> Message:
    """To the LA's safeguarding contact: a pupil's answer needs reading today (never the answer)."""
    body = (
        "A pupil's answer in their end-of-placement survey needs a safeguarding review.\n\n"
        f"Read it and record what you did here: {queue_url}\n\n"
        "For the pupil's privacy this email does not say who, or what they said."
    )
    return Message(
        f"safeguarding:{alert_id}",
        "safeguarding",
        la,
        to,
        "Safeguarding: a pupil's answer needs review",
        body + _signature(),
    )


def safeguarding_escalation(
    *, la: int, alert_id: int, to: str, queue_url: str, hours: int
) -> Message:
    """To the LA's main contact and administrators: an alert has not been picked up in time."""
    body = (
        f"A safeguarding alert has not been acknowledged within {hours} hours.\n\n"
        f"Please make sure someone reads it now: {queue_url}\n\n"
        "For the pupil's privacy this email does not say who, or what they said."
    )
    return Message(
        f"escalation:{alert_id}:{to}",
        "escalation",
        la,
        to,
        "Escalated: safeguarding alert not yet acknowledged",
        body + _signature(),
    )
