"""participation.inputs.client_address: the one address every per-address limit counts against."""

from django.test import RequestFactory

from participation.inputs import client_address


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
    assert get_adapter(request).get_client_ip(request) == "198.51.100.7"
    settings.TRUSTED_PROXIES = []
    assert _get_ip(request) == "127.0.0.1"
    assert get_adapter(request).get_client_ip(request) == "127.0.0.1"
