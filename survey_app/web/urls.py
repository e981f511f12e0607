"""Every address the service gives out, built in one place from ``SURVEY_BASE_URL``.

Links in emails, on printed QR slips and in the API must be absolute and must survive a base URL
with a path prefix (``https://council.example/learner-voice``) or a trailing slash, so nothing
else builds them with f-strings. Pages link within the site with root-relative paths
(``qr_png_path``), which a browser resolves against the address it is already on.
"""

from __future__ import annotations

import uuid

import msgspec

from survey_app.settings import Settings


def qr_png_path(invitation_id: uuid.UUID) -> str:
    """Where a page finds an invitation's QR code as a PNG, relative to the site."""
    return f"/staff/invitations/{invitation_id}/qr.png"


def qr_svg_path(invitation_id: uuid.UUID) -> str:
    """Where a page finds an invitation's QR code as an SVG, relative to the site."""
    return f"/staff/invitations/{invitation_id}/qr.svg"


class Urls(msgspec.Struct, frozen=True):
    """Absolute addresses under one base URL, which never ends in a slash."""

    base: str

    @classmethod
    def of(cls, settings: Settings) -> Urls:
        """The addresses of this deployment."""
        # A trailing slash would give "//s/..." links, which some mail clients and proxies
        # treat as a different path (or a different host); strip it once, here.
        return cls(settings.base_url.rstrip("/"))

    def absolute(self, path: str) -> str:
        """A site path (starting with "/") as a full address under the base URL."""
        if not path.startswith("/"):
            raise ValueError(f"a site path starts with '/': {path!r}")
        return self.base + path

    def survey_link(self, token: str) -> str:
        """The single-use link a pupil opens to answer."""
        return self.absolute(f"/s/{token}")

    def code_page(self) -> str:
        """Where a pupil types a short code instead of scanning the QR code."""
        return self.absolute("/code")

    def password_reset(self, token: str) -> str:
        """A staff member's single-use link to choose a new password."""
        return self.absolute(f"/staff/password-reset/{token}")

    def staff_invitation(self, token: str) -> str:
        """An invited staff member's single-use link to set their password."""
        return self.absolute(f"/staff/invitation/{token}")

    def placement(self, placement_id: int) -> str:
        """A placement's staff page."""
        return self.absolute(f"/staff/placements/{placement_id}")

    def provider_slips(self, provider_id: int) -> str:
        """A provider's printable sheet of QR slips for every learner with a survey waiting."""
        return self.absolute(f"/staff/providers/{provider_id}/slips")

    def chasing(self) -> str:
        """The LA's chasing list, most overdue first."""
        return self.absolute("/staff/chasing")

    def alert(self, alert_id: int) -> str:
        """One safeguarding alert in the LA's queue."""
        return self.absolute(f"/staff/safeguarding/{alert_id}")

    def qr_png(self, invitation_id: uuid.UUID) -> str:
        """An invitation's QR code as a PNG, as a full address (for the API)."""
        return self.absolute(qr_png_path(invitation_id))

    def qr_svg(self, invitation_id: uuid.UUID) -> str:
        """An invitation's QR code as an SVG, as a full address (for the API)."""
        return self.absolute(qr_svg_path(invitation_id))
