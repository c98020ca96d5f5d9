"""django-allauth's mails in the site's name: its name in the subject, the sender and the text, and every link at
its public address (BASE_URL for the default site; another municipality's site at its own).

Without this, allauth names the site by the host a request came in on ("[127.0.0.1:8101] …", a proxy's
internal name, or whatever Host header a stranger sent along with a password reset). A host that is no site's
is the default site's, as Wagtail routes it: a mail links only to addresses staff set up.
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from forum.selectors import public_site, public_url, site_name
from participation.inputs import client_key
from participation.selectors import mail_sender, site_profile, site_scope_for_request


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        """What allauth's per-address limits count against: the daily hash of the address every limit uses
        (participation.inputs.client_key), never the address, which allauth would put in its cache keys."""
        return client_key(request)

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """The account name is the public name shown with contributions: never an e-mail address."""
        if "@" in username:
            raise ValidationError(_("Please do not use an e-mail address as your public name."))
        return super().clean_username(username, shallow=shallow)

    def _site_id(self) -> int | None:
        """The site the request came in on (its profile's, kept by host); None without a request."""
        return site_scope_for_request(self.request).site_id if self.request is not None else None

    def format_email_subject(self, subject: str) -> str:
        return f"[{site_name(site_id=self._site_id())}] {subject}"

    def get_from_email(self) -> str:
        """DEFAULT_FROM_EMAIL, with the site's name shown as the sender unless it names one itself."""
        return mail_sender(site_profile(site_id=self._site_id()))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth builds its links (activate_url, password_reset_url, signup_url) on the request's host.
        site_id = self._site_id()
        links = {
            key: public_url(value, site_id=site_id) for key, value in context.items() if key.endswith("_url") and value
        }
        super().send_mail(template_prefix, email, {**context, **links, "current_site": public_site(site_id=site_id)})
