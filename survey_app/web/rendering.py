"""The one way a staff page is rendered: its template under ``staff/`` with the actor beside it."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request
from litestar.response import Redirect, Template

from survey_app.accounts.scoping import Actor

T = TypeVar("T")


def staff_page(name: str, actor: Actor | None, status: int = 200, **context: Any) -> Template:
    """``staff/<name>.html`` with ``actor`` (None on the sign-in pages) and the context."""
    return Template(
        template_name=f"staff/{name}.html",
        context={"actor": actor, **context},
        status_code=status,
    )


def done_redirect(request: Request[Any, Any, Any], path: str, result: Any) -> Redirect:
    """Post, redirect, get: after an upload or other post that reports what it did, go to
    ``path`` with the outcome held in the session (``flash``), never in the address, where
    anyone could write counts into a link and send it. The page shows it once
    (``done_result``); a refresh shows the empty form rather than posting again."""
    flash(request, DONE, result, path=path)
    return Redirect(path=path, status_code=303)


def done_result(request: Request[Any, Any, Any], result_type: type[T]) -> T | None:
    """The outcome ``done_redirect`` left for this page, once; None when there is none."""
    return take_flash(request, DONE, result_type)


#: Where a post leaves what it did for the page it redirects to (``flash``/``take_flash``).
FLASH = "flash"
#: The key ``done_redirect`` leaves its outcome under.
DONE = "done"


def flash(request: Request[Any, Any, Any], key: str, value: Any, *, path: str) -> None:
    """Post, redirect, get, with the outcome kept on the server: what a post did is held in the
    signed-in session under ``key`` for the page at ``path`` (where the post redirects) to show
    once (``take_flash``). Unlike the address (``done_redirect``), nobody can forge it, and a
    refresh does not show it again. It is tied to ``path`` so that "Survey extended" for one
    placement never appears on the next placement opened instead."""
    held = dict(request.session.get(FLASH) or {})
    held[key] = {"path": path, "value": msgspec.to_builtins(value)}
    request.session[FLASH] = held


def take_flash(request: Request[Any, Any, Any], key: str, kind: type[T]) -> T | None:
    """What a post left under ``key`` for this page (its path), then forgotten: shown once, and
    only here. None when there is none, or it is not a ``kind``; one left for another page is
    dropped too, since its person has moved on and it would be stale when they came back."""
    held = request.session.get(FLASH) if request.scope.get("session") else None
    if not isinstance(held, dict) or key not in held:
        return None
    entry = held.pop(key)
    if held:
        request.session[FLASH] = held
    else:
        del request.session[FLASH]
    if not isinstance(entry, dict) or entry.get("path") != request.url.path:
        return None
    try:
        return msgspec.convert(entry.get("value"), kind)
    except msgspec.ValidationError:
        return None
