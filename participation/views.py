"""Public pages of consultations and proposals: thin wrappers around services and selectors."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit.core import is_ratelimited
from wagtail.coreutils import get_supported_content_language_variant

from participation import selectors, services
from participation.errors import ServiceError
from participation.forms import CommentForm, VoteForm
from participation.models import ConsultationPage, Contribution, ModerationState, ProposalPage, TwinFeature, Vote
from participation.rules import allows
from participation.selectors import (
    consultation_of,
    proposal_results,
    proposals_with_results,
    visible_contributions,
)
from participation.twin.credits import source_credit

COMMENTS_PER_PAGE = 50


def _comment_page(request, contributions):
    return Paginator(contributions, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))


def _permissions(request, consultation: ConsultationPage) -> dict:
    return {
        "can_comment": allows("participation.comment", request.user, consultation),
        "can_pin": allows("participation.pin_to_map", request.user, consultation),
        "can_vote": allows("participation.vote", request.user, consultation),
    }


def _base_map_config() -> dict:
    return {
        "center": settings.MAP_CENTER,
        "zoom": settings.MAP_ZOOM,
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def _map_labels() -> dict:
    """What the map script writes or says, in the request's language."""
    found = ("One object found for “%(query)s”.", "%(counter)s objects found for “%(query)s”.")
    return {
        "cluster": _("%(count)s comments here. Zoom in to see them."),
        "twinCluster": _("%(count)s objects of the twin here. Zoom in to see them."),
        "aboutObject": _("About this object"),
        "picked": _("Chosen for your comment: %(label)s"),
        "searching": _("Searching …"),
        "foundOne": ngettext(*found, 1),
        "foundMany": ngettext(*found, 2),
        "foundNone": _("No object found for “%(query)s”."),
        "searchFailed": _("The search did not answer. Please try again."),
        "lineDrawn": _("A line is drawn, %(length)s m long. Send the comment to keep it."),
        "areaDrawn": _("An area is drawn, %(size)s m². Send the comment to keep it."),
        "drawingRemoved": _("The drawing is removed."),
        "drawLine": _("Draw a line"),
        "drawArea": _("Draw an area"),
        "cancel": _("Cancel"),
        "cancelTitle": _("Cancel drawing"),
        "finish": _("Finish"),
        "finishTitle": _("Finish drawing"),
        "undo": _("Delete last point"),
        "undoTitle": _("Delete the last point drawn"),
        "lineStart": _("Click to start the line."),
        "lineCont": _("Click to continue the line."),
        "lineEnd": _("Click the last point again to finish the line."),
        "areaStart": _("Click to start the area."),
        "areaCont": _("Click to continue the area."),
        "areaEnd": _("Click the first point to close the area."),
        "crossing": _("The outline must not cross itself."),
    }


def _twin_outline(feature: TwinFeature) -> dict:
    url = reverse("participation:twin-feature", args=[feature.pk])
    return {"id": feature.pk, "label": feature.label, "url": url, "geometry": feature.geometry}


def _map_context(consultation: ConsultationPage, linked: list[TwinFeature]) -> dict:
    """What the map script needs: the area, the objects to highlight, and where to load the rest per view."""
    return {
        "map_config": {
            **_base_map_config(),
            "area": consultation.area,
            "consultation": consultation.pk,
            "linked": [_twin_outline(feature) for feature in linked],
            "contributionsUrl": reverse("api:contribution-geojson"),
            "twinUrl": reverse("api:twin-feature-geojson"),
            "twinSearchUrl": reverse("api:twin-feature-list"),
            "labels": _map_labels(),
        }
    }


def _json_or_none(value):
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _twin_picker(form: CommentForm, consultation: ConsultationPage, linked: list[TwinFeature]) -> dict:
    """The choices of the comment form's twin object: the page's objects, what the search found, and the one
    chosen (also by ``?twin_feature=`` from an object's page). At most two queries, only when searched or chosen."""
    values = form.data if form.is_bound else form.initial
    query = (values.get("twin_q") or "").strip()
    results = selectors.search_twin_features(query=query, consultation=consultation) if query else []
    selected = _int_or_none(values.get("twin_feature"))
    choices = list({feature.pk: feature for feature in [*results, *linked]}.values())  # what was found first
    if selected is not None and selected not in {feature.pk for feature in choices}:
        chosen = TwinFeature.objects.filter(pk=selected).defer(*selectors.TWIN_HEAVY_FIELDS).first()
        choices += [chosen] if chosen else []
    return {
        "twin_choices": choices,
        "twin_selected": selected,
        "twin_query": query,
        "twin_results": results,
    }


def _comment_form(request, proposals=()) -> CommentForm:
    """The empty comment form; an object's page may link here with the object chosen (``?twin_feature=``)."""
    initial = {name: request.GET[name] for name in ("twin_feature", "twin_q") if request.GET.get(name)}
    return CommentForm(proposals=proposals, initial=initial)


def _place_context(request, consultation: ConsultationPage, page, comment_form: CommentForm) -> dict:
    linked = selectors.linked_twin_features(page)
    context = {"twin_links": linked, **_map_context(consultation, linked)}
    if allows("participation.pin_to_map", request.user, consultation):
        context.update(_twin_picker(comment_form, consultation, linked))
    return context


def consultation_context(request, consultation: ConsultationPage, *, comment_form=None) -> dict:
    proposals = proposals_with_results(consultation=consultation)
    comment_form = comment_form or _comment_form(request, proposals)
    return {
        "consultation": consultation,
        "proposals": proposals,
        "comments": _comment_page(request, visible_contributions(consultation=consultation)),
        "comment_form": comment_form,
        **_permissions(request, consultation),
        **_place_context(request, consultation, consultation, comment_form),
    }


def proposal_context(request, proposal: ProposalPage, *, comment_form=None, vote_form=None) -> dict:
    consultation = consultation_of(proposal)
    own_vote = None
    if request.user.is_authenticated:
        own_vote = Vote.objects.filter(proposal=proposal, voter=request.user).values_list("choice", flat=True).first()
    comment_form = comment_form or _comment_form(request)
    return {
        "consultation": consultation,
        "proposal": proposal,
        "totals": proposal_results(proposal_ids=[proposal.pk])[proposal.pk],
        "own_vote": own_vote,
        "vote_form": vote_form or VoteForm(initial={"choice": own_vote}),
        "comments": _comment_page(request, visible_contributions(consultation=consultation, proposal=proposal)),
        "comment_form": comment_form,
        **_permissions(request, consultation),
        **_place_context(request, consultation, proposal, comment_form),
    }


def _rate_limited(request, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key="user_or_ip", rate=rate, method="POST", increment=True)


def handle_comment(request, *, consultation: ConsultationPage, proposal: ProposalPage | None, page):
    """POST of a comment or reply; on error the page is shown again with the text kept."""
    proposals = proposals_with_results(consultation=consultation) if proposal is None else ()
    if request.POST.get("twin_search"):
        # "Search" in the form (without JavaScript): the page again with what was found, nothing lost, nothing sent.
        initial = {**request.POST.dict(), "geometry": _json_or_none(request.POST.get("geometry"))}
        return page.render_with(request, comment_form=CommentForm(initial=initial, proposals=proposals))
    form = CommentForm(request.POST, proposals=proposals)
    if _rate_limited(request, "comment", settings.RATELIMIT_CONTRIBUTIONS):
        form.add_error(None, _("You have written a lot in a short time. Please wait a minute and send again."))
        return page.render_with(request, comment_form=form, status=429)
    if not form.is_valid():
        return page.render_with(request, comment_form=form, status=400)
    data = form.cleaned_data
    references = _references(form, data)
    if references is None:
        return page.render_with(request, comment_form=form, status=400)
    parent, twin_feature = references
    try:
        contribution = services.post_contribution(
            author=request.user,
            consultation=consultation,
            proposal=proposal or _proposal_in(proposals, data.get("proposal")),
            parent=parent,
            text=data["text"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            geometry=data.get("geometry"),
            twin_feature=twin_feature,
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


def _references(form: CommentForm, data: dict) -> tuple[Contribution | None, TwinFeature | None] | None:
    """The comment replied to and the twin object chosen; None (with the error on the form) if one has vanished."""
    parent = Contribution.objects.filter(pk=data["parent"]).first() if data.get("parent") is not None else None
    if data.get("parent") is not None and parent is None:
        # Never post a reply to a vanished comment as a new top-level comment.
        form.add_error(None, _("The comment you reply to is not available."))
        return None
    twin_feature = None
    if data.get("twin_feature") is not None:
        twin_feature = TwinFeature.objects.filter(pk=data["twin_feature"]).first()
        if twin_feature is None:
            form.add_error("twin_feature", _("There is no such object in the twin. Please choose another."))
            return None
    return parent, twin_feature


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


def twin_feature(request, pk: int):
    """An object of the twin: what it is, where, and everything people said and voted about it."""
    feature = get_object_or_404(TwinFeature, pk=pk)
    context = {
        "feature": feature,
        "credit": source_credit(feature.source),
        "comments": _comment_page(request, selectors.twin_feature_contributions(feature=feature)),
        "proposals": selectors.twin_feature_proposals(feature=feature),
        "consultations": selectors.twin_feature_consultations(feature=feature),
        "map_config": {**_base_map_config(), "feature": _twin_outline(feature)},
        # What staff wrote (titles) is in the site's content language, whatever the interface's.
        "content_language": get_supported_content_language_variant(settings.LANGUAGE_CODE),
    }
    return TemplateResponse(request, "participation/twin_feature.html", context)
