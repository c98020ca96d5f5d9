"""The city's own login (OpenID Connect), in Chromium against a real provider.

node's oidc-provider (tests/support/oidc.py) plays the city's login, started once for the module, with two servers
of the site configured against it: one with local accounts (e-mail and password) as well, one with them switched
off (LOCAL_ACCOUNTS=0). A citizen clicks the city's button, logs in at the provider, chooses a public name, comes
back verified (the address is the provider's email claim, email_verified) and votes at once; then deletes the
account, and nothing of the city's login is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import PageAudit, close_session, open_session, outside_event_loop, ready
from tests.support.oidc import CLIENT_ID, EMAIL_DOMAIN, ProviderProcess
from tests.support.server import SERVER_ENV, LiveServer, ServerProcess, new_channel_prefix

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BUTTON = "Log in with Kempten-Konto"
PROVIDER_FONTS = "https://fonts.googleapis.com/"


@dataclass
class CityLogin:
    provider: ProviderProcess
    site: LiveServer  # local accounts and the city's login
    city_only: LiveServer  # LOCAL_ACCOUNTS=0: the city's login only


@pytest.fixture(scope="module")
def city_login(chromium_path, django_db_setup, tmp_path_factory) -> Iterator[CityLogin]:
    base = tmp_path_factory.mktemp("e2e-city-login")
    provider = ProviderProcess(log_dir=base)
    servers = []
    try:
        for name, more in [("site", {}), ("city-only", {"LOCAL_ACCOUNTS": "0"})]:
            mail_dir = base / name / "mail"
            env = {**SERVER_ENV, **provider.site_env(**more)}
            process = ServerProcess(mail_dir=mail_dir, channel_prefix=new_channel_prefix(), extra_env=env)
            servers.append(LiveServer(process=process, mail_dir=mail_dir))
        provider.start(*(server.url for server in servers))
        yield CityLogin(provider, *servers)
    finally:
        for server in servers:
            server.process.stop()
        provider.stop()


@pytest.fixture
def open_page(request, browser, demo, city_login):
    """A page of a fresh browser context on one of the module's servers; the sessions are checked when closed."""
    sessions = []

    def open_page(server: LiveServer) -> Page:
        session = open_session(browser, server.url)
        sessions.append(session)
        return session.context.new_page()

    yield open_page
    failed = getattr(request.node, "e2e_failed", False)
    for session in sessions:
        # The provider's own login page (oidc-provider's development login) asks for a web font; the site's pages
        # are held to 127.0.0.1 as ever (the browser refuses it either way).
        session.blocked[:] = [url for url in session.blocked if not url.startswith(PROVIDER_FONTS)]
        close_session(session, failed_test=request.node.name if failed else None)
    if failed:
        print(f"provider log ({city_login.provider.log}):\n{city_login.provider.log.read_text()[-3000:]}")
        for server in (city_login.site, city_login.city_only):
            print(f"server log ({server.process.log}):\n{server.log_tail()}")


def log_in_at_the_provider(page: Page, provider: ProviderProcess, name: str) -> None:
    """The provider's own login page (oidc-provider's development login: any password)."""
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.issuer)}/interaction/"))
    page.locator("input[name=login]").fill(name)
    page.locator("input[name=password]").fill("anything")
    page.get_by_role("button", name=re.compile("sign-?in", re.I)).click()


def test_citizen_logs_in_with_the_city_login_comes_back_verified_and_votes(open_page, city_login, demo):
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount, SocialToken

    from participation.models import Vote

    page = open_page(city_login.site)
    audit = PageAudit()
    response = page.goto("/accounts/login/")
    # The login posts to the site, which redirects to the provider: the policy lets that form go there.
    form_action = re.search(r"form-action ([^;]*)", response.headers["content-security-policy"]).group(1).split()
    assert form_action == ["'self'", city_login.provider.issuer]
    ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("textbox", name=re.compile("e-?mail", re.I))).to_be_visible()  # the local login too
    audit.check(page, "login with the city's button")

    main.get_by_role("button", name=BUTTON).click()
    log_in_at_the_provider(page, city_login.provider, "anna")

    # Back at the site: the public name is the citizen's choice (the provider's name for them is not offered).
    expect(page).to_have_url(re.compile(r"/accounts/3rdparty/signup/"))
    ready(page)
    name = page.get_by_role("textbox", name=re.compile("public name", re.I))
    expect(name).to_have_value("")
    expect(page.get_by_role("textbox", name=re.compile("e-?mail", re.I))).to_have_value(f"anna@{EMAIL_DOMAIN}")
    audit.check(page, "the city's login: last step of the sign-up")
    name.fill("AnnaVomHafen")
    page.get_by_role("main").get_by_role("button", name="Sign Up").click()
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()

    def account():
        social = SocialAccount.objects.select_related("user").get(provider="city", uid="anna")
        emails = list(EmailAddress.objects.filter(user=social.user).values_list("email", "verified", "primary"))
        return social.user, emails, SocialToken.objects.count()

    user, emails, tokens = outside_event_loop(account)
    assert (user.username, user.email, user.has_usable_password()) == ("AnnaVomHafen", f"anna@{EMAIL_DOMAIN}", False)
    assert emails == [(f"anna@{EMAIL_DOMAIN}", True, True)]  # verified: the provider said email_verified
    assert tokens == 0  # the site asks the provider nothing after the login

    # Verified, so the vote is open to her at once: no mail to confirm first.
    page.goto(demo.proposal.url)
    page.get_by_role("radio", name="Support").check()
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_role("status")).to_contain_text("Your vote is counted")
    votes = outside_event_loop(
        lambda: list(Vote.objects.filter(participant__user=user).values_list("proposal_id", "choice"))
    )
    assert votes == [(demo.proposal.pk, "support")]

    # Deleting the account: without a password, the e-mail address confirms; the link to the city's login goes.
    page.goto("/accounts/delete/")
    ready(page)
    audit.check(page, "delete account, city login")
    page.get_by_label("Keep them without my name", exact=False).check()
    page.get_by_role("textbox", name="Your e-mail address").fill(f"anna@{EMAIL_DOMAIN}")
    page.get_by_role("button", name="Delete my account").click()
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    left = outside_event_loop(
        lambda: (SocialAccount.objects.filter(uid="anna").count(), SocialToken.objects.count(), Vote.objects.count())
    )
    assert left[:2] == (0, 0)
    assert left[2] >= 1  # the vote still counts, without her
    audit.assert_clean()


def test_without_local_accounts_only_the_city_login_is_offered(open_page, city_login, demo):
    page = open_page(city_login.city_only)
    page.goto("/accounts/login/")
    ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("button", name=BUTTON)).to_be_visible()
    expect(main.get_by_role("textbox")).to_have_count(0)  # no e-mail, no password
    expect(page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Sign up")).to_have_count(0)
    PageAudit().check(page, "login, city only")

    # A password posted anyway, and sign-up or password reset by address: refused, saying why.
    csrf = next(cookie["value"] for cookie in page.context.cookies() if cookie["name"] == "csrftoken")
    refused = page.request.post(
        "/accounts/login/",
        form={"login": "someone@example.org", "password": "a-password-1234"},
        headers={
            "X-CSRFToken": csrf,
            "Referer": city_login.city_only.url + "/accounts/login/",
            "Accept-Language": "en",
        },
    )
    assert refused.status == 403
    assert "please log in with Kempten-Konto" in refused.text()
    for path in ("/accounts/signup/", "/accounts/password/reset/"):
        page.goto(path)
        expect(page.get_by_role("alert")).to_contain_text("please log in with Kempten-Konto")
        expect(page.get_by_role("heading", level=1)).to_have_text("Only the city's login")

    # The city's login works here as on the other server; "My account" has no addresses or password to manage.
    page.get_by_role("link", name="To the login").click()
    page.get_by_role("main").get_by_role("button", name=BUTTON).click()
    log_in_at_the_provider(page, city_login.provider, "carla")
    page.get_by_role("textbox", name=re.compile("public name", re.I)).fill("CarlaCity")
    page.get_by_role("main").get_by_role("button", name="Sign Up").click()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My account").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    account_nav = page.get_by_role("navigation", name="My account")
    expect(account_nav.get_by_role("link")).to_have_text(
        ["Overview", "My contributions and votes", "Notifications", "Download my data", "Delete account"]
    )
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Password")).to_have_count(0)
    expect(main.get_by_role("link", name="Manage e-mail addresses")).to_have_count(0)


def test_the_city_login_is_offered_only_where_it_is_configured(open_page, city_login, live_server_process, demo):
    page = open_page(live_server_process)  # the e2e suite's server: no OIDC_ISSUER
    response = page.goto("/accounts/login/")
    assert "form-action 'self';" in response.headers["content-security-policy"]
    expect(page.get_by_role("main").get_by_role("button", name=re.compile("^Log in with"))).to_have_count(0)
    for path in ("/accounts/oidc/city/login/", "/accounts/oidc/city/login/callback/?code=x&state=y"):
        assert page.request.get(path).status == 404, path
    assert CLIENT_ID not in page.content()


def test_a_verified_address_of_the_city_login_logs_in_to_the_account_that_has_it(open_page, city_login, demo):
    """Someone who signed up with e-mail and password before logs in with the city's login to the same account."""
    from allauth.socialaccount.models import SocialAccount

    from tests.support.factories import CitizenFactory

    user = outside_event_loop(lambda: CitizenFactory(username="BertAmUfer", email=f"bert@{EMAIL_DOMAIN}"))
    page = open_page(city_login.site)
    page.goto("/accounts/login/")
    page.get_by_role("main").get_by_role("button", name=BUTTON).click()
    log_in_at_the_provider(page, city_login.provider, "bert")

    expect(page.get_by_role("navigation", name="Main navigation").get_by_role("button", name="Log out")).to_be_visible()
    linked = outside_event_loop(lambda: list(SocialAccount.objects.values_list("user_id", "uid")))
    assert linked == [(user.pk, "bert")]
