"""Every spreadsheet download the service gives: one way to name, build and send them.

A download is a list of tables (``reports.exports.Table``). As XLSX it is one workbook with a
sheet per table; as CSV it is one table per file: ``?table=<key>`` picks one, and ``.zip`` gives
every table as its own CSV. File names say what and when: ``placements-eastshire-2026-11-29.xlsx``.
"""

from __future__ import annotations

import datetime as dt

from litestar import Response
from litestar.exceptions import NotFoundException

from reports.exports import Table, slug, to_csv, to_csv_zip, to_xlsx
from survey_app.time_in_england import today_in_england

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The formats a download comes in, by the address's ending.
KINDS = ("csv", "xlsx", "zip")


def file_stem(what: str, whose: str, now: dt.datetime) -> str:
    """``placements-eastshire-2026-11-29``: what, whose and the day (in England) it was made."""
    return f"{slug(what)}-{slug(whose)}-{today_in_england(now).isoformat()}"


def download(
    tables: list[Table], stem: str, kind: str, table: str | None = None
) -> Response[bytes]:
    """The tables as an XLSX workbook, one CSV (``table`` by key, else the first), or a ZIP of
    CSVs; a table key that is not in this download is a 404 naming the ones that are."""
    if kind == "xlsx":
        body, media_type, name = to_xlsx(tables), XLSX, f"{stem}.xlsx"
    elif kind == "zip":
        body, media_type, name = to_csv_zip(tables, stem), "application/zip", f"{stem}-csv.zip"
    else:
        chosen = next((t for t in tables if t.slug == table), None) if table else tables[0]
        if chosen is None:
            keys = ", ".join(t.slug for t in tables)
            raise NotFoundException(f"There is no table {table!r} in this download: try {keys}")
        # Litestar adds the charset to a text/ media type itself (given here too, it was doubled).
        body, media_type = to_csv(chosen), "text/csv"
        name = f"{stem}.csv" if len(tables) == 1 else f"{stem}-{chosen.slug}.csv"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
