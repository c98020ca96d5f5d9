"""What a POST of a comment or a vote goes through, whichever page it comes from.

Bind the form, check the rate limit, resolve the ids it names, call the
service, and put whatever is refused on the form, in the user's language.
Consultation and proposal pages use it; so can the room's phone and terminal
pages, which are no Wagtail pages: they only render the ``Outcome``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from participation import selectors, services
from participation.errors import ServiceError
from participation.forms import CommentForm, VoteForm
from participation.inputs import Limit, over_limit, rate_limited, resolve
from participation.models import Channel, ConsultationPage, ProposalPage


@dataclass
class Outcome:
    """The bound form and, if the write went through, what was written; else the HTTP status to answer."""

    form: forms.Form
    saved: Any = None
    status: int = 200

    @property
    def ok(self) -> bool:
        return self.saved is not None


def refuse(form: forms.Form, error: ServiceError) -> Outcome:
    """The service's message on the field it names (a refused place on the coordinates), else on the form."""
    field = "latitude" if error.field == "location" else error.field
    form.add_error(field if field in form.fields else None, error.message)
    return Outcome(form=form, status=error.status)


def submit_comment(
    request,
    *,
    consultation: ConsultationPage,
    proposal: ProposalPage | None = None,
    proposals: list[ProposalPage] | tuple = (),
    channel: str = Channel.ONLINE,
    author=None,
    limit: Limit | None = None,
) -> Outcome:
    """A comment or reply from a page's form; ``proposals`` are the ones the form offers to choose from.

    ``author`` is the request's user unless given (a walk-in at a terminal, as a participant); ``limit``
    replaces the per-user (or per-address) limit, e.g. by one per terminal.
    """
    form = CommentForm(request.POST, proposals=proposals)
    if (
        over_limit(request, limit)
        if limit
        else rate_limited(request, group="comment", rate=settings.RATELIMIT_CONTRIBUTIONS)
    ):
        form.add_error(None, _("You have written a lot in a short time. Please wait a minute and send again."))
        return Outcome(form=form, status=429)
    if not form.is_valid():
        return Outcome(form=form, status=400)
    data = form.cleaned_data
    try:
        parent = resolve(
            selectors.contribution_by_id,
            data.get("parent"),
            field="parent",
            message=_("The comment you reply to is not available."),
        )
        twin_feature = resolve(
            selectors.twin_feature,
            data.get("twin_feature"),
            field="twin_feature",
            message=_("There is no such object in the twin. Please choose another."),
        )
        contribution = services.post_contribution(
            author=request.user if author is None else author,
            consultation=consultation,
            proposal=proposal or next((p for p in proposals if p.pk == data.get("proposal")), None),
            parent=parent,
            text=data["text"],
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            geometry=data.get("geometry"),
            twin_feature=twin_feature,
            channel=channel,
        )
    except ServiceError as error:
        return refuse(form, error)
    return Outcome(form=form, saved=contribution)


def submit_vote(
    request, *, proposal: ProposalPage, channel: str = Channel.ONLINE, voter=None, limit: Limit | None = None
) -> Outcome:
    """A vote from a page's form; ``voter`` and ``limit`` as ``author`` and ``limit`` of ``submit_comment``."""
    form = VoteForm(request.POST, method=selectors.consultation_of(proposal).voting_method)
    if over_limit(request, limit) if limit else rate_limited(request, group="vote", rate=settings.RATELIMIT_VOTES):
        form.add_error(None, _("Too many votes in a short time. Please wait a minute and try again."))
        return Outcome(form=form, status=429)
    if not form.is_valid():
        return Outcome(form=form, status=400)
    try:
        vote = services.cast_vote(
            voter=request.user if voter is None else voter,
            proposal=proposal,
            channel=channel,
            **form.ballot(),
        )
    except ServiceError as error:
        return refuse(form, error)
    return Outcome(form=form, saved=vote)
