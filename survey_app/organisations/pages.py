"""Staff pages for the registers: providers (``providers.py``) and schools in the actor's area."""

from __future__ import annotations

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.response import Template

from survey_app.accounts.scoping import Actor, scope
from survey_app.db.tables import School
from survey_app.organisations.providers import provider_pages
from survey_app.web.rendering import staff_page as _page


@get("/schools")
async def schools(actor: NamedDependency[Actor]) -> Template:
    """Schools in the actor's area."""
    rows = await School.select().where(scope(actor, School)).order_by(School.name)
    return _page("schools", actor, schools=rows)


organisation_pages = Router(path="/", route_handlers=[provider_pages, schools])
