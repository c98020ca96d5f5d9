"""The account area's own pages: "My account" (the overview, with the public name), downloading everything the site
holds about oneself, deleting the account; and the login page when only the city's login is offered (LOCAL_ACCOUNTS
off)."""

from __future__ import annotations

import json

from allauth.account import views as allauth_views
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum import selectors, services
from forum.forms import DeleteAccountForm, PublicNameForm
from forum.rules import refusal
from forum.views.site import rate_limited as too_many_requests
from participation import selectors as participation_selectors
from participation.errors import ServiceError
from participation.inputs import rate_limited

# Changes of the public name, per account.
NAME_RATE = "10/h"
# A download gathers all of an account's rows: a few an hour are plenty for a person.
DOWNLOAD_RATE = "5/h"
# Password attempts on the deletion form, per account (allauth's login limits do not see this form).
DELETE_RATE = "5/5m"


@login_required
@require_http_methods(["GET", "POST"])
def account_overview(request):
    """ "My account": the public name (changed here), and the way to the e-mail addresses, the password, one's
    contributions and votes, the download and the deletion."""
    form = PublicNameForm(request.POST or None, initial={"public_name": request.user.username})
    status = 200
    if request.method == "POST":
        if rate_limited(request, group="account-name", rate=NAME_RATE):
            return too_many_requests(request, None)
        if form.is_valid():
            try:
                services.set_public_name(user=request.user, name=form.cleaned_data["public_name"])
            except ServiceError as error:
                form.add_error("public_name", error.message)
            else:
                messages.success(request, _("Your public name has been changed."))
                return redirect("account")
        status = 400
    context = {
        "name_form": form,
        "emails": EmailAddress.objects.filter(user=request.user).order_by("-primary", "email"),
        "counts": participation_selectors.account_counts(user=request.user),
    }
    return render(request, "forum/account_overview.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account_data(request):
    """GET: what the download holds; POST: the download, a JSON file (POST, so a link or an image cannot start it)."""
    if request.method == "POST":
        if rate_limited(request, group="account-data", rate=DOWNLOAD_RATE):
            return too_many_requests(request, None)
        data = selectors.account_data(user=request.user)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        filename = f"buergerforum-{timezone.localdate().isoformat()}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "forum/account_data.html")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Deleting the account, after the password and the choice of what becomes of its contributions."""
    refused = refusal("forum.delete_own_account", request.user)
    if refused is not None:
        return render(request, "forum/account_delete.html", {"refused": refused.message}, status=403)
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if rate_limited(request, group="account-delete", rate=DELETE_RATE):
            return too_many_requests(request, None)
        if form.is_valid():
            services.delete_account(user=request.user, withdraw_contributions=form.withdraw)
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("/")
    return render(request, "forum/account_delete.html", {"form": form}, status=400 if form.errors else 200)


def local_accounts_closed(request):
    """With LOCAL_ACCOUNTS off: sign-up, password login and password reset say that only the city's login is
    offered, and link to it (403, for any method)."""
    return render(request, "forum/local_accounts_closed.html", {"provider_name": settings.OIDC_NAME}, status=403)


def login(request):
    """allauth's login page, which then shows only the city's login; a password posted to it is refused here with a
    page that says why (allauth itself answers a bare 403)."""
    if request.method == "POST":
        return local_accounts_closed(request)
    return allauth_views.login(request)
