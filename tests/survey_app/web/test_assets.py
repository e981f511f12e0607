"""Static assets: fingerprinted names, cached for a year, compressed, and none of GOV.UK's brand."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from survey_app.web.assets import STATIC_DIR, build


@pytest.mark.no_database
def test_names_change_when_content_does_and_imports_follow(tmp_path: Path) -> None:
    source = tmp_path / "static"
    (source / "js").mkdir(parents=True)
    (source / "js" / "lib.js").write_text("export const a = 1;")
    (source / "js" / "app.js").write_text('import { a } from "./lib.js";')
    first = build(tmp_path / "out", source)
    assert re.fullmatch(r"js/lib\.[0-9a-f]{12}\.js", first["js/lib.js"])
    app = (tmp_path / "out" / first["js/app.js"]).read_text()
    assert Path(first["js/lib.js"]).name in app
    (source / "js" / "lib.js").write_text("export const a = 2;")
    second = build(tmp_path / "out", source)
    assert second["js/lib.js"] != first["js/lib.js"]
    assert second["js/app.js"] != first["js/app.js"], "the importer's name changes with it"


def test_pages_use_fingerprinted_assets_cached_for_a_year(client: Any) -> None:
    html = BeautifulSoup(client.get("/code").text, "html.parser")
    stylesheet = html.select_one('link[rel="stylesheet"]')["href"]
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", stylesheet)
    response = client.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]
    assert "max-age=31536000" in response.headers["cache-control"]
    assert response.headers.get("content-encoding") == "gzip"


def test_nothing_served_mentions_gds_transport_or_the_crown(client: Any) -> None:
    pages = ["/", "/code", "/accessibility", "/privacy", "/staff/sign-in"]
    served = [client.get(page).text for page in pages]
    html = BeautifulSoup(served[1], "html.parser")
    for element in html.select('link[href^="/static/"], script[src^="/static/"]'):
        served.append(client.get(element.get("href") or element["src"]).text)
    for path in STATIC_DIR.rglob("*"):
        if path.is_file():
            served.append(path.read_text(errors="ignore"))
    for text in served:
        assert "GDS Transport" not in text
        assert "govuk-logo" not in text and "govuk-header__logotype" not in text


def test_pages_load_nothing_from_other_hosts(client: Any) -> None:
    for page in ["/", "/code", "/accessibility", "/staff/sign-in"]:
        html = BeautifulSoup(client.get(page).text, "html.parser")
        for element in html.select("[src], link[href]"):
            url = element.get("src") or element.get("href")
            assert url.startswith("/"), f"{page} loads {url} from another host"
