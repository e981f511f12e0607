"""The API's documentation pages (``/schema`` and ``/schema/swagger``) from vendored Swagger UI.

Litestar's own Swagger page loads its scripts from a CDN and starts them with an inline script;
the service's Content-Security-Policy (``default-src 'self'``) blocks both, so the page was blank.
Here the bundle is served from ``static/swagger-ui/`` (pinned in ``scripts/build-frontend.sh``)
and started by ``static/js/swagger-init.js``, which reads the document's address from the page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin, YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityRequirement, SecurityScheme

#: The API's one way in: ``Authorization: Bearer <token>`` with a token from the staff pages.
BEARER = "bearer"
SECURITY_SCHEMES: dict[str, Any] = {
    BEARER: SecurityScheme(
        type="http",
        scheme="bearer",
        description="A personal API token: create one under 'API tokens' when signed in.",
    )
}
SECURITY: list[SecurityRequirement] = [{BEARER: []}]
COMPONENTS = Components(security_schemes=SECURITY_SCHEMES)


class VendoredSwagger(SwaggerRenderPlugin):
    """Swagger UI with every script and style from this service's own static files."""

    def __init__(self, *, js_url: str, css_url: str, init_url: str, favicon_url: str) -> None:
        super().__init__(path=["/", "/swagger"], js_url=js_url, css_url=css_url)
        self.init_url = init_url
        self.favicon_url = favicon_url

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        title = escape(str(openapi_schema["info"]["title"]))
        spec = escape(self.get_openapi_json_route(request))
        return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{escape(self.favicon_url)}" type="image/svg+xml">
<link rel="stylesheet" href="{escape(self.css_url)}">
<script src="{escape(self.js_url)}" defer></script>
<script src="{escape(self.init_url)}" defer></script>
</head>
<body>
<main id="swagger-container" data-spec-url="{spec}"></main>
</body>
</html>""".encode()


def render_plugins(manifest: dict[str, str]) -> list[Any]:
    """The documentation pages and the document itself (JSON and YAML)."""

    def asset(name: str) -> str:
        return f"/static/{manifest[name]}"

    return [
        VendoredSwagger(
            js_url=asset("swagger-ui/swagger-ui-bundle.js"),
            css_url=asset("swagger-ui/swagger-ui.css"),
            init_url=asset("js/swagger-init.js"),
            favicon_url=asset("favicon.svg"),
        ),
        JsonRenderPlugin(),
        YamlRenderPlugin(),
    ]
