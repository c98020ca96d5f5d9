"""Consultation and proposal pages (Wagtail pages, served through ``ServedByView``): read, comment, vote.

GET renders the page; POST goes through ``participation.submissions`` and, when
refused, renders the page again with the form bound, nothing lost.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from participation import page_cache, selectors
from participation.forms import CommentForm, VoteForm
from participation.inputs import retry_after
from participation.models import ConsultationPage, ModerationState, NewsPage, ProposalPage, TwinFeature
from participation.numerals import ascii_number
from participation.rules import allows, refusal
from participation.submissions import submit_comment, submit_vote
from participation.views.maps import map_context

COMMENTS_PER_PAGE = 50
# A page's comment list is kept per results revision (every comment written, hidden or shown bumps it), one
# for visitors who may reply and one for those who may not; the reply forms' CSRF token is filled in for each
# visitor. The time bounds what the revision does not see: a renamed account, a retitled proposal.
COMMENTS_CACHE_SECONDS = 60
# A message with this tag is shown beside the visitor's comments waiting for review, not atop the page.
OWN_PENDING_TAG = "own-pending"
COMMENTS_CACHE_PAGES = 100  # list pages kept; further ones are rendered each time


def comment_page(request, contributions):
    return Paginator(contributions, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))


def _comments_cache_key(request, consultation: ConsultationPage, page, *, can_reply: bool) -> str | None:
    """Where a page's rendered comment list is kept, or None where it must be rendered (odd page numbers
    would only fill the cache)."""
    number = ascii_number(request.GET.get("page", "1"))
    if not (number and number <= COMMENTS_CACHE_PAGES):
        return None
    revision = selectors.results_revision(consultation_id=consultation.pk)
    return f"comments:{page.pk}:{number}:{get_language()}:{int(can_reply)}:{revision}"


def _with_comments(request, context: dict, threads) -> None:
    """``comments`` (a page of ``threads``) into the context, or ``comments_html``, the list as rendered a
    moment ago at the same revision: then neither the count nor the threads are read."""
    key = _comments_cache_key(request, context["consultation"], context["page"], can_reply=context["can_comment"])
    html = cache.get(key) if key else None
    if html is None:
        context["comments"] = comment_page(request, threads)
        if not key:
            return
        kept = {**context, "csrf_token": page_cache.CSRF_PLACEHOLDER}
        html = render_to_string("participation/includes/comments.html", kept, request)
        cache.set(key, html, COMMENTS_CACHE_SECONDS)
    # A page kept for every visitor without a session gets its token where the whole page is served.
    html = html if page_cache.served_to_all(request) else page_cache.with_csrf_token(request, html)
    context["comments_html"] = mark_safe(html)  # nosec B308, B703 # our template's output, escaped as it rendered


def _permissions(request, consultation: ConsultationPage) -> dict:
    """What the visitor may do here, and, for what not, the reason ``rules`` gives."""
    user = request.user
    return {
        "can_comment": allows("participation.comment", user, consultation),
        "can_pin": allows("participation.pin_to_map", user, consultation),
        "can_vote": allows("participation.vote", user, consultation),
        "comment_refusal": refusal("participation.comment", user, consultation),
        "vote_refusal": refusal("participation.vote", user, consultation),
    }


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def twin_picker(form: CommentForm, consultation: ConsultationPage, linked: list[TwinFeature]) -> dict:
    """The choices of the comment form's twin object: the page's objects, what the search found, and the one
    chosen (also by ``?twin_feature=`` from an object's page). At most two queries, only when searched or chosen."""
    values = form.data if form.is_bound else form.initial
    query = (values.get("twin_q") or "").strip()
    results = selectors.search_twin_features(query=query, consultation=consultation) if query else []
    selected = _int_or_none(values.get("twin_feature"))
    choices = list({feature.pk: feature for feature in [*results, *linked]}.values())  # what was found first
    if selected is not None and selected not in {feature.pk for feature in choices}:
        chosen = selectors.twin_feature_choice(pk=selected)
        choices += [chosen] if chosen else []
    return {"twin_choices": choices, "twin_selected": selected, "twin_query": query, "twin_results": results}


def _empty_comment_form(request, proposals=()) -> CommentForm:
    """The empty comment form; an object's page may link here with the object chosen (``?twin_feature=``)."""
    initial = {name: request.GET[name] for name in ("twin_feature", "twin_q") if request.GET.get(name)}
    return CommentForm(proposals=proposals, initial=initial)


def _place_context(request, consultation: ConsultationPage, page, comment_form: CommentForm) -> dict:
    linked = selectors.linked_twin_features(page)
    context = {"twin_links": linked, **map_context(consultation, linked, selectors.site_profile_for_request(request))}
    if allows("participation.pin_to_map", request.user, consultation):
        context.update(twin_picker(comment_form, consultation, linked))
    return context


def consultation_context(request, consultation: ConsultationPage, *, comment_form=None) -> dict:
    proposals = selectors.proposals_with_results(consultation=consultation)
    comment_form = comment_form or _empty_comment_form(request, proposals)
    return {
        "consultation": consultation,
        "proposals": proposals,
        "threads": selectors.comment_threads(consultation=consultation),
        "own_pending": selectors.own_pending_comments(user=request.user, consultation=consultation),
        "own_hidden": selectors.own_hidden_comments(user=request.user, consultation=consultation),
        "comment_form": comment_form,
        "news": selectors.consultation_news(consultation=consultation),
        **_follow_context(request, consultation),
        "open_data": selectors.public_open_data(consultation=consultation),  # no query unless results are public
        **_permissions(request, consultation),
        **_place_context(request, consultation, consultation, comment_form),
    }


def _follow_context(request, consultation: ConsultationPage) -> dict:
    """The follow button: whether the visitor follows, may follow, and if not, why."""
    return {
        "following": selectors.is_following(user=request.user, consultation=consultation),
        "can_follow": allows("participation.follow", request.user, consultation),
        "follow_refusal": refusal("participation.follow", request.user, consultation),
    }


def _results_context(proposal: ProposalPage, consultation: ConsultationPage) -> dict:
    tally = selectors.proposal_tallies(proposal_ids=[proposal.pk])[proposal.pk]
    return {"totals": tally["totals"], "rating": tally["rating"], "method": consultation.voting_method}


def _vote_form(consultation: ConsultationPage, own_vote) -> VoteForm:
    form = VoteForm(method=consultation.voting_method)
    form.initial = {("rating" if form.rated else "choice"): own_vote}
    return form


def proposal_context(request, proposal: ProposalPage, *, comment_form=None, vote_form=None) -> dict:
    consultation = selectors.consultation_of(proposal)
    own_vote = selectors.own_vote(voter=request.user, proposal=proposal)
    comment_form = comment_form or _empty_comment_form(request)
    threads = selectors.comment_threads(consultation=consultation, proposal=proposal)
    return {
        "consultation": consultation,
        "proposal": proposal,
        **_results_context(proposal, consultation),
        "own_vote": own_vote,
        "vote_form": vote_form or _vote_form(consultation, own_vote),
        "threads": threads,
        "own_pending": selectors.own_pending_comments(user=request.user, consultation=consultation, proposal=proposal),
        "own_hidden": selectors.own_hidden_comments(user=request.user, consultation=consultation, proposal=proposal),
        "comment_form": comment_form,
        **_permissions(request, consultation),
        **_place_context(request, consultation, proposal, comment_form),
    }


def _render(request, page, extra: dict, *, status: int = 200) -> TemplateResponse:
    context = {**page.get_context(request), **extra}
    _with_comments(request, context, context.pop("threads"))
    return TemplateResponse(request, page.get_template(request), context, status=status)


def _render_page(request, page, *, status: int = 200, **forms) -> TemplateResponse:
    if isinstance(page, ProposalPage):
        return _render(request, page, proposal_context(request, page, **forms), status=status)
    return _render(request, page, consultation_context(request, page, **forms), status=status)


def _json_or_none(value):
    try:
        return json.loads(value) if value else None
    except (ValueError, RecursionError):
        return None


def _with_retry_after(response, rate: str):
    """A 429 says when to send again: after the limit's window."""
    if response.status_code == 429:
        response["Retry-After"] = str(retry_after(rate))
    return response


def _post_comment(request, *, consultation: ConsultationPage, page):
    proposals = selectors.proposals_with_results(consultation=consultation) if page is consultation else ()
    if request.POST.get("twin_search"):
        # "Search" in the form (without JavaScript): the page again with what was found, nothing lost, nothing sent.
        initial = {**request.POST.dict(), "geometry": _json_or_none(request.POST.get("geometry"))}
        return _render_page(request, page, comment_form=CommentForm(initial=initial, proposals=proposals))
    proposal = page if isinstance(page, ProposalPage) else None
    outcome = submit_comment(request, consultation=consultation, proposal=proposal, proposals=proposals)
    if not outcome.ok:
        response = _render_page(request, page, comment_form=outcome.form, status=outcome.status)
        return _with_retry_after(response, settings.RATELIMIT_CONTRIBUTIONS)
    if outcome.saved.moderation_state == ModerationState.APPROVED:
        messages.success(request, _("Thank you! Your comment is published."))
    else:
        # Said beside the waiting comment, where the redirect takes the visitor (OWN_PENDING_TAG).
        messages.info(
            request,
            _("Thank you! Your comment will be published once a moderator has reviewed it."),
            extra_tags=OWN_PENDING_TAG,
        )
    return HttpResponseRedirect(f"{page.url}#comment-{outcome.saved.pk}")


def _post_vote(request, *, proposal: ProposalPage):
    outcome = submit_vote(request, proposal=proposal)
    if not outcome.ok:
        response = _render_page(request, proposal, vote_form=outcome.form, status=outcome.status)
        return _with_retry_after(response, settings.RATELIMIT_VOTES)
    messages.success(request, _("Thank you! Your vote is counted. You can change it while voting is open."))
    return HttpResponseRedirect(proposal.url + "#vote")


def consultation_page(request, consultation: ConsultationPage):
    if request.method == "POST":
        return _post_comment(request, consultation=consultation, page=consultation)
    return _render_page(request, consultation)


def news_page(request, news: NewsPage):
    """A consultation's news item; public only while its consultation is (previews stay possible)."""
    consultation = selectors.consultation_of_news(news)
    if consultation is None or (not consultation.live and not getattr(request, "is_preview", False)):
        raise Http404
    context = {**news.get_context(request), "consultation": consultation}
    return TemplateResponse(request, news.get_template(request), context)


def proposal_page(request, proposal: ProposalPage):
    # Wagtail routes to a live child of an unpublished page; the proposal
    # is public only while its consultation is (previews stay possible).
    consultation = selectors.consultation_of(proposal)
    if not consultation.live and not getattr(request, "is_preview", False):
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "vote":
            return _post_vote(request, proposal=proposal)
        return _post_comment(request, consultation=consultation, page=proposal)
    return _render_page(request, proposal)
