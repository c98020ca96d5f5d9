from allauth.account.forms import SignupForm as AllauthSignupForm
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    """Sign-up: the username is the public name shown with comments, so say so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = _("Public name")
        username.help_text = _("Shown with your comments. A pseudonym is fine; your email address is never shown.")
        username.widget.attrs["placeholder"] = _("Public name")
