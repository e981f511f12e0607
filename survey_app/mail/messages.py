"""What the service tells people by email: short, plain English, a link, never a pupil's answers.

Every email's words live in a template under ``survey_app/mail/templates/``, one file per kind of
email, with a ``subject`` block and a ``body`` block; ``_email.txt`` adds the signature. To add an
email: write its template there, then add a function below that says who it goes to, its kind and
its de-duplication key, and hands the template its values through ``compose``. Callers queue the
``Message`` with ``survey_app.mail.outbox.enqueue``; links come from ``survey_app.web.urls.Urls``.

A link or code that lets its holder in (a pupil's survey link and short code, a password-reset
link) is a *secret*: pass it in ``secrets``, not as a plain value. The body then holds a
placeholder where it goes; the outbox keeps the secret encrypted and only the sender puts it
back, at send time. So the outbox page, the database and the logs never show it: otherwise any
LA colleague could read a password-reset link meant for someone else and take their account.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from survey_app.mail.statuses import MessageKind
from survey_app.surveys.statuses import InvitationKind
from survey_app.time_in_england import LONDON, date_in_england
from survey_app.web.display import SURVEY_KIND, london, long_date

TEMPLATES = Path(__file__).parent / "templates"


#: How the outbox page shows each kind of secret instead of the secret itself.
HIDDEN = {
    "link": "[link hidden: only the recipient sees it]",
    "code": "[code hidden: only the recipient sees it]",
}


class Message(msgspec.Struct, frozen=True):
    """One email to queue; ``dedupe_key`` makes queueing it a second time do nothing.

    ``body`` holds a placeholder for each entry of ``secrets`` (see ``placeholder``).
    """

    dedupe_key: str
    kind: str
    local_authority_id: int
    recipient: str
    subject: str
    body: str
    secrets: dict[str, str] = msgspec.field(default_factory=dict)


#: The last line ``_email.txt`` gives every email; ``signed`` puts the LA's own sign-off there.
DEFAULT_SIGN_OFF = "This message was sent by Learner voice. Please do not reply to it."


def signed(body: str, *, name: str, contact: str, sign_off: str, reply_to: str) -> str:
    """The body signed for its LA: its sign-off (or its name), its contact line, and whether
    a reply reaches anyone."""
    if not body.endswith(DEFAULT_SIGN_OFF):
        return body
    lines = [sign_off or name]
    if contact:
        lines.append(contact if sign_off or contact != name else "")
    lines.append(
        f"Replies to this message go to {name}."
        if reply_to
        else f"This message was sent by Learner voice for {name}. Please do not reply to it."
    )
    return body.removesuffix(DEFAULT_SIGN_OFF) + "\n".join(line for line in lines if line)


def placeholder(name: str) -> str:
    """What stands in a stored body where the secret ``name`` goes."""
    return f"[[secret:{name}]]"


def fill(body: str, secrets: dict[str, str]) -> str:
    """The body as its recipient gets it: every placeholder replaced by its secret."""
    for name, value in secrets.items():
        body = body.replace(placeholder(name), value)
    return body


def hide(body: str) -> str:
    """The body as the outbox page shows it: each placeholder says a secret is hidden."""
    for name, words in HIDDEN.items():
        body = body.replace(placeholder(name), words)
    return body


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # Plain-text email: HTML escaping would print "&amp;" in a provider's name. Nothing here
        # is ever shown as HTML (the outbox page escapes what it shows).
        autoescape=False,  # noqa: S701
        # A value left out is a bug to find in tests, not a blank in a parent's inbox.
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    environment.filters["long_date"] = long_date
    return environment


def _one_line(text: str) -> str:
    """Text fit for a header: every run of whitespace, newlines included, becomes one space.

    A newline in a subject would start a new header (``Bcc:`` …) or, with Python's email
    package, make the message unsendable so the outbox retried it for ever.
    """
    return " ".join(text.split())


def render(template_name: str, **values: Any) -> tuple[str, str]:
    """The subject and body of one email from its template."""
    template = _environment().get_template(template_name)
    subject = "".join(template.blocks["subject"](template.new_context(values)))
    return _one_line(subject), template.render(**values)


def compose(
    template_name: str,
    *,
    dedupe_key: str,
    kind: str,
    la: int,
    to: str,
    secrets: dict[str, str] | None = None,
    **values: Any,
) -> Message:
    """A ``Message`` ready to queue, its words from ``template_name``.

    Each of ``secrets`` (named as in ``HIDDEN``) is a template value too, rendered as its
    placeholder; the secret itself travels beside the body.
    """
    secrets = secrets or {}
    unknown = set(secrets) - set(HIDDEN)
    if unknown:
        raise ValueError(f"say in HIDDEN how the outbox page shows {sorted(unknown)}")
    subject, body = render(template_name, **values, **{name: placeholder(name) for name in secrets})
    return Message(dedupe_key, kind, la, to, subject, body, secrets)


def survey_open_for_commissioner(
    *,
    kind: str = "end",
    la: int,
    invitation: str,
    to: str,
    reference: str,
    provider: str,
    link: str,
    code: str,
    code_page: str,
    expires: dt.date,
    version: int = 0,
    ends_on: dt.date | None = None,
) -> Message:
    """To the school contact (or LA team): their pupil's survey is open.

    ``version`` counts reissues: each reissued link is a new message, sent once. ``ends_on`` is
    the placement's planned end while that is still ahead (an end survey opens before it), so
    the email says "ends on" rather than "has ended" (``surveys.invitations.planned_end_ahead``).
    """
    return compose(
        "survey_open_commissioner.txt",
        dedupe_key=f"opened:commissioner:{invitation}"
        + (f":reissued-{version}" if version else ""),
        kind=MessageKind.SURVEY_OPENED,
        la=la,
        survey=kind,
        to=to,
        reference=reference,
        provider=provider,
        secrets={"link": link, "code": code},
        code_page=code_page,
        expires=expires,
        ends_on=ends_on,
    )


def survey_open_for_provider(
    *,
    kind: str = "end",
    la: int,
    invitation: str,
    to: str,
    reference: str,
    slips_url: str,
    expires: dt.date,
    ends_on: dt.date | None = None,
) -> Message:
    """To the provider: please help this learner complete their survey (``ends_on`` as for
    the commissioner's email)."""
    return compose(
        "survey_open_provider.txt",
        dedupe_key=f"opened:provider:{invitation}",
        kind=MessageKind.SURVEY_OPENED,
        la=la,
        survey=kind,
        to=to,
        reference=reference,
        slips_url=slips_url,
        expires=expires,
        ends_on=ends_on,
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
    kind: str = "end",
    ends_on: dt.date | None = None,
) -> Message:
    """A reminder that a pupil's survey is still waiting: to the commissioner or the provider.

    The commissioner's ``link`` is the pupil's survey link (a secret); the provider's is the
    slips page, which needs a sign-in. ``ends_on`` as for the opening emails.
    """
    link_value: dict[str, Any] = (
        {"secrets": {"link": link}} if who == "commissioner" else {"link": link}
    )
    return compose(
        "reminder.txt",
        dedupe_key=f"reminder:{who}:{invitation}:{day}",
        kind=MessageKind.REMINDER,
        la=la,
        to=to,
        who=who,
        reference=reference,
        expires=expires,
        survey=kind,
        ends_on=ends_on,
        **link_value,
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
    return compose(
        "weekly_digest.txt",
        dedupe_key=f"digest:{la}:{week}",
        kind=MessageKind.DIGEST,
        la=la,
        to=to,
        week=week,
        by_provider=by_provider,
        by_school=by_school,
        open_ended=open_ended,
        chasing_url=chasing_url,
    )


def password_reset(*, la: int, reset_id: int, to: str, link: str) -> Message:
    """A single-use link to choose a new password."""
    return compose(
        "password_reset.txt",
        dedupe_key=f"password-reset:{reset_id}",
        kind=MessageKind.PASSWORD_RESET,
        la=la,
        to=to,
        secrets={"link": link},
    )


def staff_invitation(
    *,
    la: int,
    invitation_id: int,
    to: str,
    authority: str,
    role: str,
    inviter: str,
    second_factor: bool,
    organisation: str = "",
    organisation_kind: str = "",
    link: str,
    expires: dt.datetime,
) -> Message:
    """To someone invited to the service: who set it up, for which school or provider and
    council, why, what to do, and when it expires."""
    return compose(
        "staff_invitation.txt",
        dedupe_key=f"staff-invitation:{invitation_id}",
        kind=MessageKind.STAFF_INVITATION,
        la=la,
        to=to,
        authority=authority,
        role=role,
        inviter=inviter,
        second_factor=second_factor,
        organisation=organisation,
        organisation_kind=organisation_kind,
        # The link sets the account's password: only the invited person may ever read it.
        secrets={"link": link},
        # As a person in England reads a clock: "10:00am on 30 November 2026".
        expires_time=expires.astimezone(LONDON).strftime("%-I:%M%p").lower(),
        expires_day=date_in_england(expires),
    )


def safeguarding_alert(
    *,
    la: int,
    alert_id: int,
    to: str,
    queue_url: str,
    kind: str = InvitationKind.END,
    after_close: bool = False,
) -> Message:
    """To the LA's safeguarding contact: a pupil's answer needs reading today (never the answer).

    ``kind`` is which survey it came from: after a start survey or check-in the pupil is still
    going to the provider, which changes how soon someone needs to act. ``after_close``: the
    pupil gave it after the survey had closed (it is in no survey's answers).
    """
    return compose(
        "safeguarding_alert.txt",
        dedupe_key=f"safeguarding:{alert_id}",
        kind=MessageKind.SAFEGUARDING,
        la=la,
        to=to,
        queue_url=queue_url,
        survey=SURVEY_KIND[kind].lower(),
        still_there=kind != InvitationKind.END,
        after_close=after_close,
    )


def safeguarding_escalation(
    *, la: int, alert_id: int, to: str, queue_url: str, hours: int
) -> Message:
    """To the LA's main contact and administrators: an alert has not been picked up in time."""
    return compose(
        "safeguarding_escalation.txt",
        dedupe_key=f"escalation:{alert_id}:{to}",
        kind=MessageKind.ESCALATION,
        la=la,
        to=to,
        queue_url=queue_url,
        hours=hours,
    )


def password_changed(
    *, la: int, reset_id: int, to: str, when: dt.datetime, reset_page: str
) -> Message:
    """To a staff member whose password was just changed: so a change they did not make is
    noticed at once (never the new password)."""
    return compose(
        "password_changed.txt",
        dedupe_key=f"password-changed:{reset_id}",
        kind=MessageKind.PASSWORD_CHANGED,
        la=la,
        to=to,
        when=london(when),
        reset_page=reset_page,
    )
