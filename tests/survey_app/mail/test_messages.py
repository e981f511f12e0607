"""Emails: every kind reads as plain text from its template, subjects stay on one line, and the
templates ship with the package."""

from __future__ import annotations

import datetime as dt
import fnmatch
import tomllib
from email.message import EmailMessage
from pathlib import Path

import jinja2
import pytest

from survey_app.mail import messages
from survey_app.mail.messages import TEMPLATES, Message

pytestmark = pytest.mark.no_database

ROOT = Path(__file__).parents[3]
CLOSES = dt.date(2026, 11, 30)
SIGNATURE = "\n\nThis message was sent by Learner voice. Please do not reply to it."


def every_kind(reference: str = "OAK-55", provider: str = "Meadow Farm") -> list[Message]:
    """One message of each kind the service sends."""
    return [
        messages.survey_open_for_commissioner(
            la=1,
            invitation="i",
            to="school@example.test",
            reference=reference,
            provider=provider,
            link="https://voice.example/s/t",
            code="ABCD-EFGH",
            code_page="https://voice.example/code",
            expires=CLOSES,
        ),
        messages.survey_open_for_provider(
            la=1,
            invitation="i",
            to="office@example.test",
            reference=reference,
            slips_url="https://voice.example/staff/providers/1/slips",
            expires=CLOSES,
        ),
        *[
            messages.reminder(
                la=1,
                invitation="i",
                day=7,
                who=who,
                to="someone@example.test",
                reference=reference,
                link="https://voice.example/s/t",
                expires=CLOSES,
            )
            for who in ("commissioner", "provider")
        ],
        messages.weekly_digest(
            la=1,
            week="2026-W48",
            to="ap-team@example.test",
            by_provider=[(provider, 2)],
            by_school=[],
            open_ended=0,
            chasing_url="https://voice.example/staff/chasing",
        ),
        messages.password_reset(
            la=1, reset_id=1, to="officer@example.test", link="https://voice.example/r"
        ),
        messages.safeguarding_alert(
            la=1, alert_id=1, to="dsl@example.test", queue_url="https://voice.example/a/1"
        ),
        messages.safeguarding_escalation(
            la=1, alert_id=1, to="dsl@example.test", queue_url="https://voice.example/a/1", hours=24
        ),
    ]


def test_every_email_has_a_one_line_subject_a_body_and_the_signature() -> None:
    for message in every_kind():
        assert message.subject and "\n" not in message.subject, message
        assert len(message.subject) <= 80, message.subject
        assert message.body.endswith(SIGNATURE), message.body
        assert message.body.removesuffix(SIGNATURE).strip(), message


def as_received(message: Message) -> str:
    """The body its recipient reads: the sender puts each secret back at send time."""
    return messages.fill(message.body, message.secrets)


def test_the_school_is_told_the_link_the_code_where_to_type_it_and_the_closing_date() -> None:
    body = as_received(every_kind()[0])
    assert "Link: https://voice.example/s/t\n" in body
    assert "Short code: ABCD-EFGH (the pupil can type it at https://voice.example/code" in body
    assert "closes at the end of 30 November 2026" in body


def test_reminders_give_the_school_the_link_and_the_provider_the_slips() -> None:
    to_school, to_provider = every_kind()[2:4]
    assert "Link to give the pupil: https://voice.example/s/t" in as_received(to_school)
    assert "QR code slips: https://voice.example/s/t" in as_received(to_provider)
    assert "QR code slips" not in as_received(to_school)


def test_links_that_let_their_holder_in_are_never_part_of_the_stored_body() -> None:
    opened, _, to_school, _, _, reset, *_ = every_kind()
    for message in (opened, to_school, reset):
        assert message.secrets, message.kind
        assert not any(value in message.body for value in message.secrets.values()), message
        assert messages.HIDDEN["link"] in messages.hide(message.body)


def test_the_digest_lists_each_provider_and_says_none_for_an_empty_list() -> None:
    digest = every_kind(provider="Quay Tutors")[4]
    assert "By provider:\n  Quay Tutors: 2\n\nBy school or LA team:\n  none\n" in digest.body


def test_names_are_printed_as_written_not_html_escaped() -> None:
    body = every_kind(provider="Smith & Sons <Training>")[0].body
    assert "at Smith & Sons <Training> has ended" in body


def test_a_newline_in_a_value_cannot_add_a_header_to_the_email() -> None:
    """A subject is a header: a line break in it would start another (``Bcc: …``)."""
    for message in every_kind(reference="OAK-55\r\nBcc: everyone@example.test"):
        assert "\n" not in message.subject and "\r" not in message.subject, message.subject
        email = EmailMessage()
        email["Subject"] = message.subject  # Python's email package refuses a line break here
        assert "Bcc" not in email.keys()


def test_a_template_left_without_a_value_is_an_error_not_a_blank_in_an_inbox() -> None:
    with pytest.raises(jinja2.UndefinedError):
        messages.compose("password_reset.txt", dedupe_key="k", kind="password_reset", la=1, to="x")


def test_every_email_template_is_package_data_so_an_installed_wheel_finds_it() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["survey_app"]
    templates = [path.relative_to(ROOT / "survey_app").as_posix() for path in TEMPLATES.iterdir()]
    assert templates
    for template in templates:
        assert any(fnmatch.fnmatch(template, pattern) for pattern in patterns), template
