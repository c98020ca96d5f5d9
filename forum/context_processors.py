from django.conf import settings
from django.utils.functional import SimpleLazyObject, lazy

from participation.selectors import site_profile_for_request


def site(request) -> dict:
    """How the site presents itself (``CityProfile``), read only by a page that shows it; whether local accounts
    (e-mail and password) are open."""
    profile = SimpleLazyObject(lambda: site_profile_for_request(request))
    return {
        "site_profile": profile,
        "SITE_NAME": lazy(lambda: profile.site_name, str)(),
        "CITY_NAME": lazy(lambda: profile.city_name, str)(),
        "LOCAL_ACCOUNTS": settings.LOCAL_ACCOUNTS,
    }
