"""Signing in under attack: guessing from one or many addresses, a stranger trying to lock the
owner out, Argon2 holding up the server, and what the audit log and throttle table keep."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from survey_app.db.staff_tables import AuditEvent, LookupFailure, StaffSession, StaffUser
from tests.world import PASSWORD, Clock, World, post_form, run, sign_in

BASE = "http://testserver.local"


def from_address(app: Any, address: str) -> TestClient[Any]:
    """A browser on another machine: the app sees requests come from ``address``."""

    async def elsewhere(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            scope = {**scope, "client": (address, 40000)}
        await app(scope, receive, send)

    return TestClient(elsewhere, base_url=BASE)  # type: ignore[arg-type]


@pytest.fixture
def stranger(app: Any) -> Iterator[Any]:
    with from_address(app, "203.0.113.9") as client:
        yield client


WRONG = "not it at all"


def guess(client: Any, email: str, password: str = WRONG) -> Any:
    return post_form(client, "/staff/sign-in", {"email": email, "password": password})


def test_a_stranger_guessing_cannot_lock_the_la_officer_out(
    stranger: Any, app: Any, world: World, settings: Any
) -> None:
    email = world.logins["la_officer"][0]
    statuses = [guess(stranger, email).status_code for _ in range(30)]
    assert statuses[: settings.signin_failure_limit_per_account] == [400] * 5
    assert set(statuses[settings.signin_failure_limit_per_account :]) == {429}, (
        "the stranger is slowed down"
    )
    with from_address(app, "198.51.100.7") as office:
        sign_in(office, world, "la_officer")  # and the officer, at their desk, is not


def test_guessing_from_many_addresses_meets_a_ceiling_the_owners_own_browser_passes(
    settings: Any, world: World, clock: Clock
) -> None:
    from survey_app.app import create_app

    ceiling = 6
    strict = create_app(
        msgspec.structs.replace(settings, signin_failure_ceiling_per_account=ceiling), clock
    )
    email = world.logins["school_contact"][0]
    with from_address(strict, "198.51.100.7") as laptop:
        sign_in(laptop, world, "school_contact")  # the owner's browser, known from now on
        post_form(laptop, "/staff/sign-out", {})
        for n in range(ceiling):
            with from_address(strict, f"203.0.113.{n + 1}") as bot:
                assert guess(bot, email).status_code == 400
        with from_address(strict, "192.0.2.50") as new_browser:
            assert guess(new_browser, email, PASSWORD).status_code == 429, (
                "past the ceiling, an unknown browser waits even with the right password"
            )
        sign_in(laptop, world, "school_contact")


def test_a_failed_sign_in_names_the_account_tried_but_never_the_password(
    client: Any, world: World
) -> None:
    email = world.logins["la_officer"][0]
    guess(client, email, "Sekrit-42!")
    guess(client, "nobody@example.test", "Sekrit-43!")
    officer = run(StaffUser.select(StaffUser.id).where(StaffUser.email == email).first())["id"]
    failed = run(
        AuditEvent.select(AuditEvent.user_id, AuditEvent.object_type, AuditEvent.object_id)
        .where(AuditEvent.action == "sign_in", AuditEvent.outcome == "failed")
        .order_by(AuditEvent.id)
    )
    assert [row["user_id"] for row in failed] == [officer, None]
    stored = " ".join(str(v) for row in run(AuditEvent.select()) for v in row.values())
    assert "Sekrit-4" not in stored and "nobody@example.test" not in stored


def test_checking_passwords_does_not_hold_up_other_requests(world: World) -> None:
    """Argon2 is slow on purpose: it must run beside the event loop, not on it."""
    from argon2 import PasswordHasher

    from survey_app.accounts.users import authenticate

    stored = PasswordHasher().hash("something")
    started = time.perf_counter()
    for _ in range(3):
        PasswordHasher().verify(stored, "something")
    one_check = (time.perf_counter() - started) / 3

    async def measure() -> float:
        gaps: list[float] = []
        done = asyncio.Event()

        async def heartbeat() -> None:
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.001)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        beat = asyncio.create_task(heartbeat())
        await asyncio.sleep(0.01)
        email = world.logins["la_officer"][0]
        await asyncio.gather(*[authenticate(email, f"wrong {n}") for n in range(4)])
        done.set()
        await beat
        return max(gaps)

    longest_stall = asyncio.run(measure())
    assert longest_stall < one_check * 0.75, (longest_stall, one_check)


def test_throttle_counters_keep_only_a_keyed_hash_of_the_address_and_the_email(
    client: Any, world: World
) -> None:
    email = world.logins["la_officer"][0]
    guess(client, email)
    post_form(client, "/staff/password-reset", {"email": "nobody@example.test"})
    kept = {row["key_hash"] for row in run(LookupFailure.select(LookupFailure.key_hash))}
    assert len(kept) >= 3, "sign-in counts per account, address and ceiling"
    # Every way the service names a counter, hashed as anyone holding a list of addresses or
    # staff emails (but not the server secret) could hash it.
    names = [
        "signin-address:testclient",
        f"signin-ceiling:{email}",
        f"signin-account:{email}:from:testclient",
        "reset-address:testclient",
        "reset-account:nobody@example.test",
    ]
    for name in names:
        for text in (name, f"lookup-failures:{name}"):
            unkeyed = hashlib.sha256(text.encode()).hexdigest()
            assert unkeyed not in kept, f"{name}: a hash anyone can recompute from a list"


def test_the_schedule_purges_old_throttle_counters_and_expired_sessions(
    client: Any, world: World, settings: Any, clock: Clock
) -> None:
    from survey_app.ops.schedule import run_scheduled_work

    guess(client, world.logins["la_officer"][0])
    sign_in(client, world, "school_contact")
    assert run(LookupFailure.count()) > 0 and run(StaffSession.count()) > 0
    clock.advance(hours=25)
    run(run_scheduled_work(settings, clock.now, None))
    assert run(LookupFailure.count()) == 0
    assert run(StaffSession.count()) == 0
