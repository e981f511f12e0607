"""The rules an authority's and a school's details must meet, each broken rule in plain words."""

from __future__ import annotations

import re

#: ONS (GSS) codes of the kinds an LA has: a country letter and eight digits, e.g. E10000011.
ONS_CODE = re.compile(r"^[EWSN][0-9]{8}$")
#: DfE's LA number as GIAS's "LA (code)" column gives it: three digits, e.g. 845.
DFE_NUMBER = re.compile(r"^[0-9]{3}$")
#: A URN is a number (six digits today); the GIAS download never pads or prefixes it.
URN = re.compile(r"^[0-9]{5,8}$")
#: Enough to catch a typing slip or a pasted list; no spaces, commas or angle brackets, so one
#: address can never become two, or a header, in an email.
EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\".]+(\.[^@\s,;<>\".]+)+$")
MAX_NAME = 200


def email_problem(email: str, label: str = "Email") -> str | None:
    """What is wrong with an email address, or None."""
    if len(email) > 254 or not EMAIL.match(email):
        return f"{label} must be an email address such as office@school.example, not {email!r}"
    return None


def name_problem(name: str, label: str = "Name", limit: int = MAX_NAME) -> str | None:
    """What is wrong with an organisation's name, or None."""
    if not name.strip():
        return f"Enter the {label.lower()}"
    if len(name) > limit:
        return f"{label} must be {limit} characters or fewer"
    if "\x00" in name or "\n" in name or "\r" in name:
        return f"{label} contains a character that cannot be stored"
    return None


def urn_problem(urn: str) -> str | None:
    """What is wrong with a URN, or None."""
    if not URN.match(urn):
        return f"URN must be the school's number from GIAS, such as 123456, not {urn!r}"
    return None
