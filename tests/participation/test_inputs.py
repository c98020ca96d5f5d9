"""participation.inputs.client_address: the one address every per-address limit counts against."""

from datetime import UTC, datetime

from django.test import RequestFactory

from participation.inputs import address_key, client_address, user_or_client_key


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **extra)


def test_without_trusted_proxies_the_header_is_never_believed(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("127.0.0.1", "198.51.100.7")) == "127.0.0.1"
    assert client_address(_request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


def test_from_a_trusted_proxy_the_right_most_address_that_is_not_a_proxy_counts(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # The visitor put "1.2.3.4" in front; nginx appended what it saw (198.51.100.7), a second proxy its own.
    assert client_address(_request("127.0.0.1", "1.2.3.4, 198.51.100.7, 10.1.2.3")) == "198.51.100.7"
    assert client_address(_request("127.0.0.1", "2001:db8::1")) == "2001:db8::1"


def test_a_header_from_an_untrusted_address_is_ignored_even_with_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    assert client_address(_request("203.0.113.9", "10.0.0.5, 198.51.100.7")) == "203.0.113.9"


def test_a_trusted_proxy_without_a_usable_header_counts_as_itself(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(_request("127.0.0.1")) == "127.0.0.1"
    assert client_address(_request("127.0.0.1", "")) == "127.0.0.1"
    assert client_address(_request("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_address(_request("127.0.0.1", "127.0.0.1")) == "127.0.0.1"


def test_django_ratelimit_and_allauth_use_it(settings):
    from allauth.account.adapter import get_adapter
    from django_ratelimit.core import _get_ip

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = _request("127.0.0.1", "198.51.100.7")
    assert _get_ip(request) == "198.51.100.7"
    # allauth puts what get_client_ip returns into its cache keys: the address's hash, never the address.
    assert get_adapter(request).get_client_ip(request) == address_key("198.51.100.7")
    settings.TRUSTED_PROXIES = []
    assert _get_ip(request) == "127.0.0.1"
    assert get_adapter(request).get_client_ip(request) == address_key("127.0.0.1")


def test_an_address_key_is_a_daily_keyed_hash_of_the_address(settings):
    day, next_day = datetime(2026, 12, 6, 23, 59, tzinfo=UTC), datetime(2026, 12, 7, 0, 1, tzinfo=UTC)
    key = address_key("203.0.113.77", now=day)
    assert key.startswith("addr-") and "203.0.113.77" not in key
    assert key == address_key("203.0.113.77", now=day.replace(hour=0))  # the same all day
    assert key != address_key("203.0.113.78", now=day)
    assert key != address_key("203.0.113.77", now=next_day)  # the salt changes with the day
    settings.SECRET_KEY = "another secret"
    assert key != address_key("203.0.113.77", now=day)  # keyed: without SECRET_KEY it cannot be recomputed


def test_an_ipv6_visitor_counts_as_its_64_network():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::2")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")


def test_a_visitors_write_counts_against_the_hashed_address_an_accounts_against_the_account(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    request = _request("203.0.113.77")
    request.user = AnonymousUser()
    assert user_or_client_key("comment", request) == address_key("203.0.113.77")
    request.user = django_user_model(pk=42, username="x")
    assert user_or_client_key("comment", request) == "42"
