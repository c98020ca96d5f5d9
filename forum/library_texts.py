"""Texts of the libraries we use that our catalogue words differently.

allauth's German says "du" where the city says "Sie"; Wagtail's German puts a workflow's name into a sentence
that fits only some names ("In %(workflow_name)s einreichen"). The texts are marked here so that
`make messages` keeps them in our catalogue (locale/de/LC_MESSAGES/django.po), where their German lives. Our
catalogue wins over the libraries' own: Django reads the LOCALE_PATHS catalogues last and lets them override
every app's. Nothing shows the texts from here; the libraries look them up by these exact msgids.
tests/test_locale.py checks that each is still a msgid of its library and that no informal German of
allauth's can show.
"""

# ruff: noqa: E501 (the msgids are the libraries', word for word: one literal each is easiest to compare)
from django.utils.translation import gettext_noop as _

# django-allauth 65 (allauth.account and the templates account/ and allauth/): pages, messages and mails.
ALLAUTH = (
    _("You cannot remove your primary email address."),
    _("Please type your current password."),
    _("You cannot add more than %d email addresses."),
    _("Too many failed login attempts. Try again later."),
    _("Your primary email address must be verified."),
    _("Username can not be used. Please use other username."),
    _("Please select only one."),
    _("Be patient, you are sending too many requests."),
    _("You must type the same password each time."),
    _("You must type the same email each time."),
    _("Do you really want to remove the selected email address?"),
    _(
        "You are receiving this email because you or someone else tried to signup for an\n"
        "account using email address:\n"
        "\n"
        "%(email)s\n"
        "\n"
        "However, an account using that email address already exists.  In case you have\n"
        "forgotten about this, please use the password forgotten procedure to recover\n"
        "your account:\n"
        "\n"
        "%(password_reset_url)s"
    ),
    _("Thank you for using %(site_name)s!\n%(site_domain)s"),
    _("Please Confirm Your Email Address"),
    _("Your password has been changed."),
    _(
        "You're receiving this email because you or someone else has requested a password reset for your user account.\n"
        "It can be safely ignored if you did not request a password reset. Click the link below to reset your password."
    ),
    _("In case you forgot, your username is %(username)s."),
    _("Your email address is still pending verification."),
    _('Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for user %(user_display)s.'),
    _(
        'This email confirmation link expired or is invalid. Please <a href="%(email_url)s">issue a new email confirmation request</a>.'
    ),
    _("If you have not created an account yet, then please %(link)ssign up%(end_link)s first."),
    _("Are you sure you want to sign out?"),
    _("You cannot remove your primary email address (%(email)s)."),
    _("You have confirmed %(email)s."),
    _("You have signed out."),
    _("Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it."),
    _("Please contact us if you have any trouble resetting your password."),
    _(
        "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    _(
        'The password reset link was invalid, possibly because it has already been used.  Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    _("Your password is now changed."),
    _("Your phone number is still pending verification."),
    _("Already have an account? Then please %(link)ssign in%(end_link)s."),
    _("You are already logged in as %(user_display)s."),
    _(
        "You currently do not have any email address set up. You should really add an email address so you can receive notifications, reset your password, etc."
    ),
    _("Verify Your Email Address"),
    _(
        "We have sent an email to you for verification. Follow the link provided to finalize the signup process. If you do not see the verification email in your main inbox, check your spam folder. Please contact us if you do not receive the verification email within a few minutes."
    ),
    _(
        "This part of the site requires us to verify that\n"
        "you are who you claim to be. For this purpose, we require that you\n"
        "verify ownership of your email address. "
    ),
    _(
        "We have sent an email to you for\n"
        "verification. Please click on the link inside that email. If you do not see the verification email in your main inbox, check your spam folder. Otherwise\n"
        "contact us if you do not receive it within a few minutes."
    ),
    _('<strong>Note:</strong> you can still <a href="%(email_url)s">change your email address</a>.'),
    # allauth.socialaccount (the city's login, OIDC_ISSUER) and its templates socialaccount/.
    _(
        "An account already exists with this email address. Please sign in to that account first, then connect your %s account."
    ),
    _("Your account has no password set up."),
    _("Your account has no verified email address."),
    _("You are about to connect a new third-party account from %(provider)s."),
    _("You are about to sign in using a third-party account from %(provider)s."),
    _(
        'You decided to cancel logging in to our site using one of your existing accounts. If this was a mistake, please proceed to <a href="%(login_url)s">sign in</a>.'
    ),
    _(
        "You are about to use your %(provider_name)s account to login to\n"
        "%(site_name)s. As a final step, please complete the following form:"
    ),
)

# Wagtail 8: the image chooser (wagtail.images) and the workflow buttons of pages and snippets (wagtail.admin).
WAGTAIL = (
    _("Please add some alt text for your image or mark it as decorative"),
    _("Submit to %(workflow_name)s"),
    _("Resubmit to %(task_name)s"),
)
