"""Finding people on the staff list: a paged, searched and filtered list (``web/listing.py``)."""

from __future__ import annotations

from typing import Any

from survey_app.accounts import invitations
from survey_app.accounts.scoping import LA_ROLES, ROLE_LABELS, Role
from survey_app.accounts.statuses import OrganisationKind, StaffState
from survey_app.db.staff_tables import StaffUser
from survey_app.web.listing import Field, FieldKind, ListSpec, Sort, contains

STATE_WHERE = {
    StaffState.ACTIVE: StaffUser.active.eq(True)
    & (StaffUser.password_hash != invitations.NO_PASSWORD),
    StaffState.INVITED: StaffUser.active.eq(True)
    & (StaffUser.password_hash == invitations.NO_PASSWORD),
    StaffState.DISABLED: StaffUser.active.eq(False),
}

ORGANISATION_LABELS = {
    OrganisationKind.LA: "The council's own team",
    OrganisationKind.SCHOOL: "Schools",
    OrganisationKind.PROVIDER: "Providers",
}
#: A role says whom its holder works for: each LA role is the council's, the others their own.
ORGANISATION_ROLES: dict[OrganisationKind, set[Role]] = {
    OrganisationKind.LA: set(LA_ROLES),
    OrganisationKind.SCHOOL: {Role.SCHOOL_CONTACT},
    OrganisationKind.PROVIDER: {Role.PROVIDER_STAFF},
}


def _works_for(value: str) -> Any:
    return StaffUser.role.is_in(sorted(ORGANISATION_ROLES[OrganisationKind(value)]))


def staff_spec() -> ListSpec:
    """The staff list's filters: email, whom they work for, role and state."""
    return ListSpec(
        path="/staff/people",
        noun=("person", "people"),
        fields=(
            Field(name="q", label="Email", kind=FieldKind.SEARCH, where=contains(StaffUser.email)),
            Field(
                name="organisation",
                label="Organisation",
                kind=FieldKind.CHOICE,
                where=_works_for,
                choices=tuple((kind.value, label) for kind, label in ORGANISATION_LABELS.items()),
                any_label="Anyone",
            ),
            Field(
                name="role",
                label="Role",
                kind=FieldKind.CHOICE,
                where=lambda value: StaffUser.role == value,
                choices=tuple((role.value, label) for role, label in ROLE_LABELS.items()),
            ),
            Field(
                name="state",
                label="State",
                kind=FieldKind.CHOICE,
                where=lambda value: STATE_WHERE[StaffState(value)],
                choices=tuple((state.value, state.value.capitalize()) for state in StaffState),
            ),
        ),
        sorts={
            "email": Sort("Email, A to Z", ((StaffUser.email, True),)),
            "signed_in": Sort(
                "Last signed in, latest first", ((StaffUser.last_signed_in_at, False),)
            ),
            "role": Sort("Role", ((StaffUser.role, True),)),
        },
    )
