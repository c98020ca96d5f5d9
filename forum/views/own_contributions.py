"""The account area's "My contributions and votes": one's contributions with their state, changing one shortly
after posting, withdrawing one; one's votes per proposal."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forum.forms import ContributionTextForm
from forum.rules import allows, refusal
from forum.views.site import rate_limited as too_many_requests
from participation import selectors, services
from participation.errors import ServiceError
from participation.inputs import rate_limited

CONTRIBUTIONS_PER_PAGE = 20
VOTES_SHOWN = 100


@login_required
def own_contributions(request):
    """One's contributions, newest first, a page at a time, each with its state and what may still be done with it;
    and one's votes. A fixed number of queries, whatever the page holds."""
    page = Paginator(selectors.account_contribution_list(user=request.user), CONTRIBUTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for contribution in page:
        contribution.may_edit = allows("participation.edit_contribution", request.user, contribution)
    votes = list(selectors.account_votes(user=request.user)[:VOTES_SHOWN])
    return render(request, "forum/own_contributions.html", {"contributions": page, "votes": votes})


def _own(request, pk: int):
    contribution = selectors.contribution_by_id(pk=pk)
    if contribution is None:
        raise Http404
    return contribution


def _refused(request, requirement):
    status = requirement.error.status
    return render(request, "forum/own_contribution_refused.html", {"refused": requirement.message}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit_own_contribution(request, pk: int):
    """Changing one's contribution within CONTRIBUTION_EDIT_MINUTES of posting; after that, a clear refusal."""
    contribution = _own(request, pk)
    refused = refusal("participation.edit_contribution", request.user, contribution)
    if refused is not None:
        return _refused(request, refused)
    form = ContributionTextForm(request.POST or None, initial={"text": contribution.text})
    status = 200
    if request.method == "POST":
        if rate_limited(request, group="own-contribution", rate=settings.RATELIMIT_OWN_CONTRIBUTIONS):
            return too_many_requests(request, None)
        if form.is_valid():
            try:
                services.edit_contribution(
                    author=request.user, contribution=contribution, text=form.cleaned_data["text"]
                )
            except ServiceError as error:  # the text refused, or the minutes ran out since the check above
                if error.field != "text":
                    return render(
                        request, "forum/own_contribution_refused.html", {"refused": error.message}, status=error.status
                    )
                form.add_error("text", error.message)
            else:
                messages.success(request, _("Your contribution has been changed."))
                return redirect("own-contributions")
        status = 400
    context = {"form": form, "contribution": contribution, "minutes": settings.CONTRIBUTION_EDIT_MINUTES}
    return render(request, "forum/own_contribution_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_own_contribution(request, pk: int):
    """Withdrawing one's contribution, at any time, after a confirmation."""
    contribution = _own(request, pk)
    refused = refusal("participation.withdraw_contribution", request.user, contribution)
    if refused is not None:
        return _refused(request, refused)
    if request.method == "POST":
        if rate_limited(request, group="own-contribution", rate=settings.RATELIMIT_OWN_CONTRIBUTIONS):
            return too_many_requests(request, None)
        try:
            services.withdraw_contribution(author=request.user, contribution=contribution)
        except ServiceError as error:
            return render(
                request, "forum/own_contribution_refused.html", {"refused": error.message}, status=error.status
            )
        messages.success(request, _("Your contribution has been withdrawn. It is no longer shown anywhere."))
        return redirect("own-contributions")
    return render(request, "forum/own_contribution_withdraw.html", {"contribution": contribution})
