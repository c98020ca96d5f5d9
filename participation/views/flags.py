"""Reporting a contribution to the moderators ("Report" beside every comment): a small page with a form, so it
works without JavaScript. Visitors are told to log in; the form is the account's, once per contribution."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from participation import selectors, services
from participation.errors import ServiceError
from participation.forms import FlagForm
from participation.inputs import rate_limited, retry_after
from participation.rules import refusal


def flag_contribution(request, pk: int):
    contribution = (
        selectors.public_contributions(site=selectors.site_scope_for_request(request))
        .filter(pk=pk)
        .select_related("consultation", "proposal", "author")
        .first()
    )
    if contribution is None:
        raise Http404
    status = 200
    form = FlagForm(request.POST or None)
    if request.method == "POST":
        if rate_limited(request, group="flag", rate=settings.RATELIMIT_FLAGS):
            form.add_error(None, _("You have sent many reports in a short time. Please wait a minute and send again."))
            status = 429
        elif not form.is_valid():
            status = 400
        else:
            try:
                services.flag_contribution(
                    user=request.user,
                    contribution=contribution,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, _("Thank you. Our moderators will look at this contribution."))
                return HttpResponseRedirect(selectors.contribution_url(contribution, request=request))
    context = {
        "contribution": contribution,
        "form": form,
        "back": selectors.contribution_url(contribution, request=request),
        "refusal": refusal("participation.flag", request.user, contribution),
        "already": status == 200 and selectors.has_flagged(user=request.user, contribution_id=contribution.pk),
    }
    response = TemplateResponse(request, "participation/flag.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(retry_after(settings.RATELIMIT_FLAGS))
    return response
