"""The one settings object, read from environment variables prefixed ``SURVEY_``."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import msgspec

from survey_app.ops.private_files import FILE_MODE, private_folder

PREFIX = "SURVEY_"


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the service can be told, one field per ``SURVEY_<NAME>`` variable."""

    #: Where the service keeps its SQLite file and generated secret (created readable by the
    #: service's user only).
    var_dir: str = "var"
    #: Where the fingerprinted static files are built and served from; never the data folder.
    #: Empty means a new private temporary folder for each server process.
    static_dir: str = ""
    #: ``sqlite:///path`` or ``postgresql://user:pass@host:port/db``; empty means ``var/survey.db``.
    database_url: str = ""
    #: Database connections kept open per server process; 0 opens one per query.
    database_pool_size: int = 10
    #: The address pupils and staff reach the service on; used in links and QR codes.
    base_url: str = "http://127.0.0.1:8000"
    #: Signs invitation tokens and sessions. Generated into ``var/secret_key`` when empty.
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    #: How many days before the planned end date an invitation opens.
    invitation_open_days_before: int = 7
    #: Whether a placement gets a short start (baseline) survey, and how many days after the
    #: placement starts it opens.
    start_survey: bool = True
    start_survey_days: int = 10
    #: Whether a placement longer than a half term gets a short check-in each half term.
    review_survey: bool = True
    #: How many days an invitation stays usable after it opens.
    invitation_expiry_days: int = 28
    #: Days after a survey opens on which the school and provider are reminded, e.g. "7,14".
    reminder_days: str = "7,14"
    #: Placements with no end date running longer than this are listed as open-ended.
    open_ended_weeks: int = 12
    #: How often the server issues due surveys and sends mail (minutes; 0 turns it off).
    dispatch_interval_minutes: int = 15
    #: "smtp" or "notify" (GOV.UK Notify). In demo mode nothing is sent: see /staff/outbox.
    mail_transport: str = "smtp"
    mail_from: str = "learner-voice@localhost"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    #: GOV.UK Notify: an API key and one email template with ((subject)) and ((body)) fields.
    notify_api_key: str = ""
    notify_template_id: str = ""
    #: Failed link or code look-ups one address may make per window before getting a 429.
    lookup_failure_limit: int = 10
    lookup_failure_window_minutes: int = 15
    #: Failed staff sign-ins allowed per account from one address, and per address, in that
    #: window; and per account from all addresses in a day, after which only browsers that
    #: have signed in to that account before may try (so a stranger cannot lock the owner out).
    signin_failure_limit_per_account: int = 5
    signin_failure_limit_per_address: int = 20
    signin_failure_ceiling_per_account: int = 100
    #: Responses older than this lose their free text and pupil reference (figures stay).
    retention_days: int = 1095
    #: Staff sessions end this many hours after sign-in, however active.
    session_absolute_hours: int = 12
    #: Minimum number of respondents behind any figure shown to a non-LA user.
    disclosure_threshold: int = 5
    #: Hours a safeguarding alert may wait unacknowledged before it is escalated.
    safeguarding_escalation_hours: int = 24
    #: Where the pupil's "Exit this page" button goes: an ordinary page that gives nothing away.
    exit_page_url: str = "https://www.bbc.co.uk/weather"
    #: Demo mode shows outgoing messages in the staff area instead of sending them.
    demo_mode: bool = False
    #: Staff sessions end after this many idle minutes.
    session_idle_minutes: int = 30
    #: API tokens stop working this many days after they are made.
    api_token_days: int = 90

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file under ``var_dir``."""
        return self.database_url or f"sqlite:///{Path(self.var_dir) / 'survey.db'}"

    @property
    def reminder_day_numbers(self) -> list[int]:
        """The reminder days as numbers, in order."""
        return sorted(int(day) for day in self.reminder_days.split(",") if day.strip())

    @property
    def is_postgres(self) -> bool:
        """True when the database URL points at PostgreSQL."""
        return self.resolved_database_url.startswith(("postgresql://", "postgres://"))


def setting_names() -> list[str]:
    """Every environment variable the service reads."""
    return [PREFIX + name.upper() for name in Settings.__struct_fields__]


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from the environment; a bad value raises ``SettingsError`` naming it."""
    environ = os.environ if environ is None else environ
    raw = {
        name: environ[PREFIX + name.upper()]
        for name in Settings.__struct_fields__
        if PREFIX + name.upper() in environ
    }
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as error:
        field = str(error).rsplit("$.", 1)[-1].rstrip("`")
        raise SettingsError(f"{PREFIX}{field.upper()} is not valid: {error}") from None
    if settings.database_url and not settings.database_url.startswith(
        ("sqlite:///", "postgresql://", "postgres://")
    ):
        raise SettingsError(
            f"{PREFIX}DATABASE_URL must start with sqlite:/// or postgresql:// "
            f"(got {settings.database_url.split(':', 1)[0]}:…)"
        )
    if settings.mail_transport not in ("smtp", "notify"):
        raise SettingsError(
            f"{PREFIX}MAIL_TRANSPORT must be smtp or notify, not {settings.mail_transport}"
        )
    if not settings.exit_page_url.startswith("https://"):
        # A pupil escaping a watched screen must land on a real page, not an error.
        raise SettingsError(f"{PREFIX}EXIT_PAGE_URL must be a full https:// address")
    try:
        settings.reminder_day_numbers  # noqa: B018 - validate early, with the variable's name
    except ValueError:
        raise SettingsError(
            f"{PREFIX}REMINDER_DAYS must be whole numbers separated by commas, like 7,14"
        ) from None
    _check_static_dir(settings)
    if not settings.secret_key:
        settings = msgspec.structs.replace(settings, secret_key=_stored_secret(settings.var_dir))
    return settings


def _check_static_dir(settings: Settings) -> None:
    """Static files are served to anyone: their folder must not hold, or be, the data folder."""
    if not settings.static_dir:
        return
    static = Path(settings.static_dir).resolve()
    data = [Path(settings.var_dir).resolve()]
    if not settings.is_postgres:
        data.append(
            Path(settings.resolved_database_url.removeprefix("sqlite:///")).resolve().parent
        )
    for folder in data:
        if static == folder or static in folder.parents or folder in static.parents:
            raise SettingsError(
                f"{PREFIX}STATIC_DIR ({static}) must be a folder of its own, apart from the "
                f"data folder {folder}: everything in it may be served to anyone"
            )


def _stored_secret(var_dir: str) -> str:
    """Read the generated secret, creating it (owner-only) on first run."""
    path = Path(var_dir) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    private_folder(path.parent)
    secret = secrets.token_urlsafe(48)
    # O_EXCL so two processes starting together agree on one secret.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret
