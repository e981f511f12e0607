"""The one way a staff page is rendered: its template under ``staff/`` with the actor beside it."""

from __future__ import annotations

from typing import Any

from litestar.response import Template

from survey_app.accounts.scoping import Actor


def staff_page(name: str, actor: Actor | None, status: int = 200, **context: Any) -> Template:
    """``staff/<name>.html`` with ``actor`` (None on the sign-in pages) and the context."""
    return Template(
        template_name=f"staff/{name}.html",
        context={"actor": actor, **context},
        status_code=status,
    )
