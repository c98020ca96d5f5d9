from django.conf import settings


def site(request) -> dict:
    return {"CITY_NAME": settings.CITY_NAME, "SITE_NAME": settings.SITE_NAME, "LOCAL_ACCOUNTS": settings.LOCAL_ACCOUNTS}
