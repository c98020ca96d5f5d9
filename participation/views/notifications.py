"""A citizen's e-mail notifications: the settings page in the account area, following a consultation from its
page, and the unsubscribe link of every mail (no login: the signed token says whose)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from participation import selectors, services
from participation.errors import ServiceError
from participation.forms import NotificationSettingsForm
from participation.inputs import client_key, rate_limited, retry_after
from participation.models import NotificationKind
from participation.services.notifications import ALL_KINDS

# Following and settings are a person's clicks: a few a minute are plenty.
FOLLOW_RATE = "10/m"
SETTINGS_RATE = "10/m"
# Mail clients post the one-click unsubscribe without a session; counted per address.
UNSUBSCRIBE_RATE = "30/m"


def _too_many(request, rate: str, template: str, context: dict):
    response = render(
        request, template, {**context, "error": _("Too many requests. Please wait a moment.")}, status=429
    )
    response["Retry-After"] = str(retry_after(rate))
    return response


@require_POST
def follow(request, page_pk: int):
    """Follow (``action=follow``) or stop following (``action=unfollow``) a published consultation."""
    consultation = selectors.published_consultation(pk=page_pk, site=selectors.site_scope_for_request(request))
    if consultation is None:
        raise Http404
    context = {"consultation": consultation}
    if rate_limited(request, group="follow", rate=FOLLOW_RATE):
        return _too_many(request, FOLLOW_RATE, "participation/follow_refused.html", context)
    following = request.POST.get("action") != "unfollow"
    try:
        if following:
            services.follow_consultation(user=request.user, consultation=consultation)
        else:
            services.unfollow_consultation(user=request.user, consultation=consultation)
    except ServiceError as error:
        return render(
            request, "participation/follow_refused.html", {**context, "error": error.message}, status=error.status
        )
    if following:
        messages.success(request, _("You follow this consultation now."))
    else:
        messages.success(request, _("You no longer follow this consultation."))
    return HttpResponseRedirect(f"{consultation.url}#follow")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Which notifications the citizen wants, how often, in which language."""
    chosen = selectors.notification_settings(user=request.user)
    language = (get_language() or "").split("-")[0]
    form = NotificationSettingsForm.of(chosen, language=language)
    status = 200
    if request.method == "POST":
        if rate_limited(request, group="notification-settings", rate=SETTINGS_RATE):
            return _too_many(request, SETTINGS_RATE, "participation/notification_settings.html", {"form": form})
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.save_notification_settings(user=request.user, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("participation:notification-settings")
        status = 400
    return render(request, "participation/notification_settings.html", {"form": form}, status=status)


def _by_address(_group: str, request) -> str:
    return client_key(request)


@csrf_exempt  # RFC 8058: a mail client posts the one-click unsubscribe without a session; the token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: what the link switches off, and a button; POST (the button, or the mail client's one click): off."""
    template = "participation/notification_unsubscribe.html"
    if request.method == "POST" and rate_limited(request, group="unsubscribe", rate=UNSUBSCRIBE_RATE, key=_by_address):
        return _too_many(request, UNSUBSCRIBE_RATE, template, {})
    try:
        _user_id, kind = services.read_unsubscribe_token(token)
        if request.method == "POST":
            services.unsubscribe(token=token)
    except ServiceError as error:
        return render(request, template, {"error": error.message}, status=error.status)
    every = kind == ALL_KINDS
    context = {"token": token, "done": request.method == "POST", "all_kinds": every}
    context["kind_label"] = "" if every else NotificationKind(kind).label
    return render(request, template, context)
