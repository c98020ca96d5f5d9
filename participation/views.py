"""Public pages of consultations and proposals: thin wrappers around services and selectors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from participation import services
from participation.errors import ServiceError
from participation.forms import CommentForm, VoteForm
from participation.models import ConsultationPage, Contribution, ModerationState, ProposalPage, Vote
from participation.rules import allows
from participation.selectors import (
    consultation_of,
    proposal_results,
    proposals_with_results,
    visible_contributions,
)

COMMENTS_PER_PAGE = 50


def _comment_page(request, contributions):
    return Paginator(contributions, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))


def _permissions(request, consultation: ConsultationPage) -> dict:
    return {
        "can_comment": allows("participation.comment", request.user, consultation),
        "can_pin": allows("participation.pin_to_map", request.user, consultation),
        "can_vote": allows("participation.vote", request.user, consultation),
    }


def _map_context(consultation: ConsultationPage) -> dict:
    return {
        "map_config": {
            "center": settings.MAP_CENTER,
            "zoom": settings.MAP_ZOOM,
            "tileUrl": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "area": consultation.area,
            "consultation": consultation.pk,
        }
    }


def consultation_context(request, consultation: ConsultationPage, *, comment_form=None) -> dict:
    proposals = proposals_with_results(consultation=consultation)
    return {
        "consultation": consultation,
        "proposals": proposals,
        "comments": _comment_page(request, visible_contributions(consultation=consultation)),
        "comment_form": comment_form or CommentForm(proposals=proposals),
        **_permissions(request, consultation),
        **_map_context(consultation),
    }


def proposal_context(request, proposal: ProposalPage, *, comment_form=None, vote_form=None) -> dict:
    consultation = consultation_of(proposal)
    own_vote = None
    if request.user.is_authenticated:
        own_vote = Vote.objects.filter(proposal=proposal, voter=request.user).values_list("choice", flat=True).first()
    return {
        "consultation": consultation,
        "proposal": proposal,
        "totals": proposal_results(proposal_ids=[proposal.pk])[proposal.pk],
        "own_vote": own_vote,
        "vote_form": vote_form or VoteForm(initial={"choice": own_vote}),
        "comments": _comment_page(request, visible_contributions(consultation=consultation, proposal=proposal)),
        "comment_form": comment_form or CommentForm(),
        **_permissions(request, consultation),
        **_map_context(consultation),
    }


def _rate_limited(request, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key="user_or_ip", rate=rate, method="POST", increment=True)


def handle_comment(request, *, consultation: ConsultationPage, proposal: ProposalPage | None, page):
    """POST of a comment or reply; on error the page is shown again with the text kept."""
    proposals = proposals_with_results(consultation=consultation) if proposal is None else ()
    form = CommentForm(request.POST, proposals=proposals)
    if _rate_limited(request, "comment", settings.RATELIMIT_CONTRIBUTIONS):
        form.add_error(None, _("You have written a lot in a short time. Please wait a minute and send again."))
        return page.render_with(request, comment_form=form, status=429)
    if not form.is_valid():
        return page.render_with(request, comment_form=form, status=400)
    data = form.cleaned_data
    parent = Contribution.objects.filter(pk=data["parent"]).first() if data.get("parent") is not None else None
    if data.get("parent") is not None and parent is None:
        # Never post a reply to a vanished comment as a new top-level comment.
        form.add_error(None, _("The comment you reply to is not available."))
        return page.render_with(request, comment_form=form, status=400)
    try:
        contribution = services.post_contribution(
            author=request.user,
            consultation=consultation,
            proposal=proposal or _proposal_in(proposals, data.get("proposal")),
            parent=parent,
            text=data["text"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
    except ServiceError as error:
        # A refused place belongs to the coordinate fields, so they are marked invalid.
        field = "latitude" if error.field == "location" else error.field
        form.add_error(field if field in form.fields else None, error.message)
        return page.render_with(request, comment_form=form, status=error.status)
    if contribution.moderation_state == ModerationState.APPROVED:
        messages.success(request, _("Thank you! Your comment is published."))
        anchor = f"#comment-{contribution.pk}"
    else:
        messages.info(request, _("Thank you! Your comment will be published once a moderator has reviewed it."))
        anchor = "#comments"
    return HttpResponseRedirect(page.url + anchor)


def _proposal_in(proposals, proposal_id):
    return next((p for p in proposals if p.pk == proposal_id), None)


def handle_proposal_post(request, *, proposal: ProposalPage):
    if request.POST.get("action") == "vote":
        return handle_vote(request, proposal=proposal)
    return handle_comment(request, consultation=consultation_of(proposal), proposal=proposal, page=proposal)


def handle_vote(request, *, proposal: ProposalPage):
    form = VoteForm(request.POST)
    if _rate_limited(request, "vote", settings.RATELIMIT_VOTES):
        form.add_error(None, _("Too many votes in a short time. Please wait a minute and try again."))
        return proposal.render_with(request, vote_form=form, status=429)
    if not form.is_valid():
        return proposal.render_with(request, vote_form=form, status=400)
    try:
        services.cast_vote(voter=request.user, proposal=proposal, choice=form.cleaned_data["choice"])
    except ServiceError as error:
        form.add_error(None, error.message)
        return proposal.render_with(request, vote_form=form, status=error.status)
    messages.success(request, _("Thank you! Your vote is counted. You can change it while voting is open."))
    return HttpResponseRedirect(proposal.url + "#vote")
