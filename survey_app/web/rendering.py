"""The one way a staff page is rendered: its template under ``staff/`` with the actor beside it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode

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


def done_redirect(path: str, result: msgspec.Struct) -> Redirect:
    """Post, redirect, get: after an upload or other post that reports what it did, go to
    ``path`` with the outcome's counts (and lists of names) in the address, so a refresh shows
    the same outcome instead of posting again. Its ``errors`` are never carried: a post with
    errors re-renders its form instead."""
    values = {
        name: ",".join(map(str, value)) if isinstance(value, list) else value
        for name, value in msgspec.structs.asdict(result).items()
        if name != "errors"
    }
    return Redirect(path=f"{path}?{urlencode(values)}", status_code=303)


def done_from_query(query: Mapping[str, str], result_type: type[T]) -> T | None:
    """The outcome ``done_redirect`` put in the address, or None when there is none (or it was
    tampered with into something unreadable: then the page simply shows its empty form)."""
    fields = msgspec.structs.fields(result_type)  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for field in fields:
        if field.name == "errors" or field.name not in query:
            continue
        text = query[field.name]
        is_list = getattr(field.type, "__origin__", None) is list
        values[field.name] = [part for part in text.split(",") if part] if is_list else text
    if not values:
        return None
    if any(field.name == "errors" for field in fields):
        values["errors"] = []
    try:
        return msgspec.convert(values, result_type, strict=False)
    except msgspec.ValidationError:
        return None


#: Where a post leaves what it did for the page it redirects to (``flash``/``take_flash``).
FLASH = "flash"


def flash(
    request: Request[Any, Any, Any], key: str, value: str | msgspec.Struct, *, path: str
) -> None:
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
