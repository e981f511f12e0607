"""The one reader of uploaded spreadsheets: every import (placements, provider register, GIAS
schools, school emails) turns its file into rows of text cells here.

What a file is comes from its content, never its name: an XLSX is a ZIP holding
``xl/workbook.xml`` (Excel's own format, first sheet read, dates as ISO text, whole numbers without
``.0``); anything else is CSV text in UTF-8 (with or without Excel's byte-order mark) or, failing
that, Windows-1252, which is what Excel on Windows and DfE's GIAS write. An old ``.xls`` or some
other ZIP is refused in words that say what to do instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

#: Python's csv reader stops with an exception at 131,072 characters a cell. Uploads are capped
#: before they are read, so the reader may take any cell up to this; importers then check each
#: cell against their own limits, where the column can be named.
READER_CELL_LIMIT = 16 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
#: Compound File Binary: Excel 97-2003 ``.xls`` (and old Word files).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UploadError(ValueError):
    """The file cannot be read as a spreadsheet at all; the message says why in plain words."""


def is_xlsx(data: bytes) -> bool:
    """An Excel workbook by its content: a ZIP with a workbook part inside."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def decode(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without a byte-order mark) if it is that, else
    Windows-1252. Bytes Windows-1252 leaves undefined become U+FFFD."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        # Excel has dates only as date-times: midnight is a date, anything else keeps its time.
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    import openpyxl

    # Opened here, not inside the generator: a file that is no workbook is refused at once, where
    # the importer asks for the reader, not at its first row.
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UploadError(
            "The file looks like an Excel workbook but cannot be opened: save it again from "
            "Excel as 'Excel Workbook (.xlsx)' or 'CSV UTF-8'"
        ) from None

    def rows() -> Iterator[list[str]]:
        try:
            for row in book.worksheets[0].iter_rows(values_only=True):
                yield [_cell(value) for value in row]
        except Exception:  # a sheet part that is not the XML it should be
            raise UploadError(
                "A sheet in the workbook cannot be read: save it again from Excel and upload that"
            ) from None
        finally:
            book.close()

    return rows()


def read_rows(data: bytes) -> Iterator[list[str]]:
    """The file's rows as text cells, header first; read lazily, so a 50,000-row GIAS file is
    never held as cells all at once. A CSV row that cannot be parsed raises ``csv.Error`` where
    it is met, so an importer can name its row number."""
    if data.startswith(OLE_MAGIC):
        raise UploadError(
            "This is an old-style Excel file (.xls): save it from Excel as "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8' and upload that"
        )
    if is_xlsx(data):
        return _xlsx_rows(data)
    if data.startswith(ZIP_MAGIC):
        raise UploadError("This is a ZIP file, not a spreadsheet: upload an XLSX or CSV file")
    # The limit is process-wide; raising it only lets other readers take longer cells too.
    csv.field_size_limit(max(csv.field_size_limit(), READER_CELL_LIMIT))
    return csv.reader(io.StringIO(decode(data), newline=""))
