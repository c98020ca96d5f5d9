"""What the site holds about one account, for its own download ("Meine Daten herunterladen")."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.utils import timezone

from participation import selectors as participation_selectors


def account_data(*, user) -> dict:
    """The account, its e-mail addresses and everything it did, as JSON-ready data: ``user``'s own and nobody
    else's. The password is stored only as a hash and is left out; so are the city login's tokens (the site keeps
    none)."""
    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    social_accounts = SocialAccount.objects.filter(user=user).order_by("pk")
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
        # The city's login: the provider's id for the person and what it said about them at the last login.
        "logins": [
            {
                # By the name set now (a login no longer configured still shows, by its id).
                "provider": str(settings.OIDC_NAME)
                if account.provider == settings.OIDC_PROVIDER_ID
                else account.provider,
                "uid": account.uid,
                "date_joined": account.date_joined.isoformat(),
                "last_login": account.last_login.isoformat(),
                "claims": account.extra_data,
            }
            for account in social_accounts
        ],
        **participation_selectors.account_contributions(user=user),
    }
