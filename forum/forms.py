from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.socialaccount.forms import SignupForm as AllauthSocialSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


def _as_public_name(field: forms.Field) -> None:
    field.label = _("Public name")
    field.help_text = _("Shown with your comments. A pseudonym is fine; your email address is never shown.")
    field.widget.attrs["placeholder"] = _("Public name")


class SignupForm(AllauthSignupForm):
    """Sign-up: the username is the public name shown with comments, so say so."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _as_public_name(self.fields["username"])


class SocialSignupForm(AllauthSocialSignupForm):
    """The last step of the first login with the city's account: the public name, chosen by the citizen. The name
    the city knows them by (its ``preferred_username``) is not offered: it would show with their comments."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _as_public_name(self.fields["username"])
        self.initial["username"] = ""


class AdminLoginForm(WagtailLoginForm):
    """The admin's login (/admin/login/), limited as the site's: failed attempts count per address and per account
    against allauth's ``login_failed`` limits (ACCOUNT_RATE_LIMITS), through allauth's adapter, which refuses the
    attempt with its message ("Too many failed login attempts…", translated) once over them. A successful login
    takes its attempt back, as allauth does."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = get_adapter(self.request).authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class DeleteAccountForm(forms.Form):
    """Deleting one's account: the password again (someone at an unlocked computer cannot do it), and what becomes
    of one's contributions."""

    KEEP, WITHDRAW = "keep", "withdraw"

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    contributions = forms.ChoiceField(
        label=_("Your contributions"),
        choices=[
            (KEEP, _("Keep them without my name: they are shown as by “Deleted account”.")),
            (WITHDRAW, _("Withdraw them: they are no longer shown anywhere.")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            # An account of the city's login has no password here: its e-mail address confirms instead.
            del self.fields["password"]
            self.fields["email"] = forms.EmailField(
                label=_("Your e-mail address"),
                help_text=_("Type the e-mail address of your account to confirm."),
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            )

    @property
    def confirmation(self) -> forms.BoundField:
        """The field that confirms it is the account's owner: the password, or the e-mail address without one."""
        return self["password"] if "password" in self.fields else self["email"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email.casefold() != (self.user.email or "").casefold():
            raise forms.ValidationError(_("This is not the e-mail address of your account."))
        return email

    @property
    def withdraw(self) -> bool:
        return self.cleaned_data["contributions"] == self.WITHDRAW


class PublicNameForm(forms.Form):
    """The name shown with one's contributions (the account name), on the account page."""

    public_name = forms.CharField(
        label=_("Public name"),
        max_length=150,
        help_text=_(
            "Shown with your comments on the pages. A pseudonym is fine; letters, digits and . + - _ only. Your "
            "e-mail address is never shown."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )


class ContributionTextForm(forms.Form):
    """A new text for one's own contribution (within the minutes it may still be changed)."""

    text = forms.CharField(
        label=_("Your text"),
        max_length=settings.CONTRIBUTION_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
