"""Reading a council's provider register: its columns and their other names, each cell's rule
and plain-words problem, and the whole file checked before anything is written.

A register arrives as CSV (UTF-8 or Windows-1252) or XLSX, or one row at a time from the
add/edit form; ``provider_register.py`` writes what this module has read.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

import msgspec

from survey_app.accounts.scoping import Role
from survey_app.numbers import is_digits
from survey_app.web import uploads
from survey_app.web.display import OFFER_TYPE, REGISTRATION_STATUS

#: Who keeps the register: LA administrators and officers.
REGISTER_KEEPERS = {Role.LA_ADMIN, Role.LA_OFFICER}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

#: The school census "AP setting type", for a placement with no URN or UKPRN.
SETTING_TYPE = {
    "NFE": "Non-maintained further education provision",
    "OOT": "One-on-one tuition",
    "OTH": "Other unregistered provider",
    "WBP": "Work-based placement",
}
IDENTIFIERS = ("ofsted_urn", "ukprn", "company_number", "charity_number")


class Column(msgspec.Struct, frozen=True):
    key: str
    label: str
    #: Other headings councils use for it (matched ignoring case, spaces and punctuation).
    synonyms: tuple[str, ...] = ()


COLUMNS = (
    Column("name", "Provider name", ("Name", "Provider", "Organisation", "Organisation name")),
    Column("ofsted_urn", "Ofsted URN", ("URN", "Ofsted number", "Ofsted reference")),
    Column("ukprn", "UKPRN", ("UK provider reference number",)),
    Column(
        "company_number",
        "Company number",
        ("Companies House number", "Company no", "Company registration number"),
    ),
    Column("charity_number", "Charity number", ("Registered charity number", "Charity no")),
    Column("address", "Address", ("Street address", "Premises address")),
    Column("postcode", "Postcode", ("Post code", "Postal code")),
    Column("contact_name", "Contact name", ("Contact", "Main contact")),
    Column("contact_email", "Contact email", ("Email", "Email address")),
    Column("contact_phone", "Contact phone", ("Phone", "Telephone", "Phone number", "Tel")),
    Column("registration_status", "Registration status", ("Registration", "Status")),
    Column("offer_types", "Offer types", ("Offer", "Offers", "Offer type", "Type of offer")),
    Column("setting_type", "AP setting type", ("Setting type", "Census setting type")),
    Column("safeguarding_lead", "Safeguarding lead", ("DSL", "Designated safeguarding lead")),
    Column(
        "safeguarding_contact",
        "Safeguarding lead contact",
        ("Safeguarding contact", "Safeguarding email", "DSL contact"),
    ),
    Column(
        "dbs_checked_on",
        "DBS checks verified",
        ("DBS checked", "DBS checks last verified", "DBS date", "Date DBS checks verified"),
    ),
    Column(
        "insurance_expires_on",
        "Insurance expiry",
        ("Insurance expires", "Insurance expiry date", "Insurance renewal"),
    ),
    Column(
        "policies_reviewed_on",
        "Policies reviewed",
        ("Policies last reviewed", "Policy review date", "Policies review date"),
    ),
    Column("cost_per_day", "Cost per day", ("Daily cost", "Daily rate", "Cost", "Price per day")),
)
LABEL = {column.key: column.label for column in COLUMNS}


def squeeze(text: str) -> str:
    """Lower case with everything but letters and digits removed: how headers are compared."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


HEADER_OF = {
    squeeze(name): column.key
    for column in COLUMNS
    for name in (column.key, column.label, *column.synonyms)
}


def match_key(name: str, postcode: str) -> str:
    """How a provider with no identifier is recognised: its name and postcode, squeezed."""
    return f"{squeeze(name)}|{squeeze(postcode)}"


class RegisterEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One provider as a council's register describes it."""

    name: str
    ofsted_urn: str = ""
    ukprn: str = ""
    company_number: str = ""
    charity_number: str = ""
    address: str = ""
    postcode: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    registration_status: str = "unregistered"
    offer_types: list[str] = []
    setting_type: str = ""
    safeguarding_lead: str = ""
    safeguarding_contact: str = ""
    dbs_checked_on: dt.date | None = None
    insurance_expires_on: dt.date | None = None
    policies_reviewed_on: dt.date | None = None
    cost_per_day: float | None = None

    @property
    def identifiers(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in IDENTIFIERS if getattr(self, key)}

    def record_values(self) -> dict[str, Any]:
        """What goes into the LA's record: everything but the identifiers, which are shared.
        The name is the LA's own: another council may know the same provider by another name."""
        values = msgspec.structs.asdict(self)
        for key in IDENTIFIERS:
            values.pop(key)
        values["offer_types"] = ",".join(self.offer_types)
        return values


class CellError(msgspec.Struct, frozen=True):
    """A problem with one cell (or, with no row, with the file or form as a whole)."""

    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{LABEL.get(self.field, self.field)}: {self.message}"


# --- reading cells -------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y")
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MONEY = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
REGISTRATION_WORDS = {
    **{squeeze(code): code for code in REGISTRATION_STATUS},
    **{squeeze(label): code for code, label in REGISTRATION_STATUS.items()},
    "registeredschool": "registered_independent_school",
    "independentschool": "registered_independent_school",
    "school": "registered_independent_school",
    "ofstedregistered": "ofsted_registered_other",
    "ofstedregisteredprovision": "ofsted_registered_other",
    "nonschoolap": "unregistered",
    "nonschool": "unregistered",
    "underreview": "under_review",
}
OFFER_WORDS = {
    **{squeeze(code): code for code in OFFER_TYPE},
    **{squeeze(label): code for code, label in OFFER_TYPE.items()},
    "tuition": "tutoring",
    "mixed": "mixed",
}
SETTING_WORDS = {
    **{squeeze(code): code for code in SETTING_TYPE},
    **{squeeze(label): code for code, label in SETTING_TYPE.items()},
}


def _date(text: str) -> dt.date:
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text} is not a date")


def _cost(text: str) -> float:
    # float() alone takes other scripts' digits, "nan", "inf" and "1_0" (``numbers.py``).
    if not MONEY.fullmatch(amount := text.replace("£", "").replace(",", "").strip()):
        raise ValueError(f"{text} is not an amount of money")
    value = float(amount)
    if value < 0 or value > 100_000:
        raise ValueError(f"{text} is not a cost per day")
    return round(value, 2)


def _digits(name: str, low: int, high: int) -> Callable[[str], str]:
    def read(text: str) -> str:
        value = re.sub(r"\s", "", text).removesuffix(".0")
        if not is_digits(value) or not low <= len(value) <= high:
            size = f"{low}" if low == high else f"{low} to {high}"
            raise ValueError(f"{text} is not {name} ({size} digits)")
        return value

    return read


def _company(text: str) -> str:
    value = re.sub(r"\s", "", text).upper().removesuffix(".0")
    # Spreadsheets drop the leading zeros of an all-digit company number: put them back.
    if is_digits(value) and len(value) < 8:
        value = value.zfill(8)
    if not re.fullmatch(r"[A-Z0-9]{8}", value):
        raise ValueError(f"{text} is not a company number (8 characters, such as 01234567)")
    return value


def _postcode(text: str) -> str:
    found = POSTCODE.match(re.sub(r"\s+", " ", text.upper().strip()))
    if not found:
        raise ValueError(f"{text} is not a postcode")
    return f"{found[1]} {found[2]}"


def _email(text: str) -> str:
    if not EMAIL.match(text) or len(text) > 254:
        raise ValueError(f"{text} is not an email address")
    return text


def _word(words: Mapping[str, str], kind: str) -> Callable[[str], str]:
    def read(text: str) -> str:
        code = words.get(squeeze(text))
        if code is None:
            raise ValueError(f"{text} is not a {kind} we know")
        return code

    return read


def _offers(text: str) -> list[str]:
    codes = []
    for part in re.split(r"[,;/+&]|\band\b", text):
        if not part.strip():
            continue
        code = OFFER_WORDS.get(squeeze(part))
        if code is None:
            raise ValueError(f"{part.strip()} is not a kind of offer we know")
        codes.append(code)
    return sorted(set(codes))


def _text(limit: int) -> Callable[[str], str]:
    def read(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"must be {limit} characters or fewer")
        return text

    return read


READERS: dict[str, Callable[[str], Any]] = {
    "name": _text(200),
    "ofsted_urn": _digits("an Ofsted URN", 6, 7),
    "ukprn": _digits("a UKPRN", 8, 8),
    "company_number": _company,
    "charity_number": _digits("a charity number", 6, 8),
    "address": _text(500),
    "postcode": _postcode,
    "contact_name": _text(120),
    "contact_email": _email,
    "contact_phone": _text(40),
    "registration_status": _word(REGISTRATION_WORDS, "registration status"),
    "offer_types": _offers,
    "setting_type": _word(SETTING_WORDS, "school census AP setting type"),
    "safeguarding_lead": _text(120),
    "safeguarding_contact": _text(254),
    "dbs_checked_on": _date,
    "insurance_expires_on": _date,
    "policies_reviewed_on": _date,
    "cost_per_day": _cost,
}


def entry_from_fields(
    fields: Mapping[str, str], row: int | None = None
) -> tuple[RegisterEntry | None, list[CellError]]:
    """Read one provider (a form, or a spreadsheet row by column key), naming every bad cell."""
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    for key, read in READERS.items():
        raw = str(fields.get(key) or "")
        # Spaces are tidied everywhere but in the address, whose lines are kept.
        text = raw.strip() if key == "address" else " ".join(raw.split())
        if not text:
            continue
        try:
            values[key] = read(text)
        except ValueError as problem:
            errors.append(CellError(row, key, str(problem)))
    if not values.get("name") and not any(e.field == "name" for e in errors):
        errors.append(CellError(row, "name", "enter the provider's name"))
    has_identifier = any(values.get(key) for key in IDENTIFIERS)
    if (
        not has_identifier
        and "postcode" not in values
        and not any(e.field in (*IDENTIFIERS, "postcode") for e in errors)
    ):
        errors.append(
            CellError(
                row,
                "postcode",
                "enter a postcode, or an Ofsted URN, UKPRN, company or charity number, "
                "so the provider can be told apart from others of the same name",
            )
        )
    if errors:
        return None, errors
    return RegisterEntry(**values), []


# --- reading files -------------------------------------------------------------------------


class RegisterFileError(ValueError):
    """The file cannot be read as a register at all (not CSV or XLSX, empty, too big)."""


def read_rows(data: bytes) -> list[list[str]]:
    """The file's rows as text cells: XLSX (first sheet) or CSV in UTF-8 or Windows-1252, told
    apart by content (``survey_app.web.uploads``, the reader every import shares)."""
    if len(data) > MAX_BYTES:
        raise RegisterFileError("The file is larger than 5 MB: is it the provider register?")
    try:
        return list(uploads.read_rows(data))
    except uploads.UploadError as problem:
        raise RegisterFileError(str(problem)) from None
    except csv.Error as error:
        raise RegisterFileError(f"The file cannot be read as CSV: {error}") from None


class CheckedRegister(msgspec.Struct, frozen=True):
    """A whole file read and checked: entries (with their row numbers) or every problem."""

    entries: list[tuple[int, RegisterEntry]]
    errors: list[CellError]
    ignored_columns: list[str]


def check_register(rows: list[list[str]]) -> CheckedRegister:
    """Check every row of a register; entries only if there is no error anywhere."""
    # Row numbers as the spreadsheet shows them (the header is row 1), blank rows skipped.
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if not numbered:
        raise RegisterFileError("The file is empty: it needs a header row and a row per provider")
    (_, header), body = numbered[0], numbered[1:]
    if len(body) > MAX_ROWS:
        raise RegisterFileError(f"The file has more than {MAX_ROWS} providers")
    keys = [HEADER_OF.get(squeeze(cell)) for cell in header]
    ignored = [cell for cell, key in zip(header, keys, strict=True) if key is None and cell]
    errors: list[CellError] = []
    if "name" not in keys:
        errors.append(CellError(None, "name", "the file has no Provider name column"))
    for key in {k for k in keys if k and keys.count(k) > 1}:
        errors.append(CellError(None, key, "the file has this column more than once"))
    if errors:
        return CheckedRegister([], errors, ignored)
    entries: list[tuple[int, RegisterEntry]] = []
    seen: dict[str, int] = {}
    for line, row in body:
        fields = {key: cell for key, cell in zip(keys, row, strict=False) if key}
        entry, problems = entry_from_fields(fields, line)
        errors += problems
        if entry is None:
            continue
        for identity in _identities(entry):
            if identity in seen:
                errors.append(
                    CellError(line, "name", f"this is the same provider as row {seen[identity]}")
                )
                break
        else:
            seen.update(dict.fromkeys(_identities(entry), line))
            entries.append((line, entry))
    return CheckedRegister([] if errors else entries, errors, ignored)


def _identities(entry: RegisterEntry) -> list[str]:
    found = [f"{key}:{value}" for key, value in entry.identifiers.items()]
    return found or [match_key(entry.name, entry.postcode)]


# --- writing -------------------------------------------------------------------------------
