"""What the site holds about one account, for its own download ("Meine Daten herunterladen")."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.utils import timezone

from participation import selectors as participation_selectors


def account_data(*, user) -> dict:
    """The account, its e-mail addresses and everything it did, as JSON-ready data: ``user``'s own and nobody
    else's. The password is stored only as a hash and is left out."""
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "public_name": user.username,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary} for address in emails
        ],
        **participation_selectors.account_contributions(user=user),
    }
