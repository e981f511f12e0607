"""Staff pages for the registers: providers and schools in the actor's area."""

from __future__ import annotations

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.response import Template

from survey_app.accounts.scoping import Actor, scope
from survey_app.db.tables import Provider, School
from survey_app.web.rendering import staff_page as _page


@get("/providers")
async def providers(actor: NamedDependency[Actor]) -> Template:
    """The register of providers with their QA record."""
    rows = await Provider.select().where(scope(actor, Provider)).order_by(Provider.name)
    return _page("providers", actor, providers=rows)


@get("/schools")
async def schools(actor: NamedDependency[Actor]) -> Template:
    """Schools in the actor's area."""
    rows = await School.select().where(scope(actor, School)).order_by(School.name)
    return _page("schools", actor, schools=rows)


organisation_pages = Router(path="/", route_handlers=[providers, schools])
