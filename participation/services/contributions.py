"""Writes of contributions: a citizen comments or replies (moderation's writes: ``services.moderation``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from participation.errors import InvalidInput
from participation.models import (
    Channel,
    ConsultationPage,
    Contribution,
    ModerationMode,
    ModerationState,
    ProposalPage,
    TwinFeature,
)
from participation.rules import account_of, require
from participation.services.moderation import check_after_commit, mail_moderators_after_commit
from participation.services.notifications import notify_reply
from participation.services.participants import participant_of
from participation.services.places import check_twin_feature, clean_place
from participation.services.results import publish_after_commit
from participation.services.texts import clean_text


@transaction.atomic
def post_contribution(
    *,
    author,
    consultation: ConsultationPage,
    text: str,
    proposal: ProposalPage | None = None,
    parent: Contribution | None = None,
    latitude: float | str | None = None,
    longitude: float | str | None = None,
    geometry: dict | None = None,
    twin_feature: TwinFeature | None = None,
    channel: str = Channel.ONLINE,
) -> Contribution:
    """A citizen comments on a consultation or one of its proposals, or replies to a comment.

    ``author`` is an account, or a participant (a walk-in at a terminal).

    The comment may have a place: a point (``latitude``/``longitude``, or a GeoJSON Point), a line or an
    area (``geometry``, GeoJSON in WGS84), and/or a twin object; all of it must lie in the consultation's area.
    """
    require("participation.comment", author, consultation)
    text = clean_text(text)
    if proposal is not None and not proposal.path.startswith(consultation.path):
        raise InvalidInput(_("This proposal belongs to another consultation."), field="proposal")
    if parent is not None:
        if (
            parent.consultation_id != consultation.pk
            or parent.deleted_at
            or parent.moderation_state != ModerationState.APPROVED
        ):
            raise InvalidInput(_("The comment you reply to is not available."), field="parent")
        # Threads stay one level deep: a reply to a reply joins its thread.
        parent = parent.parent or parent
        proposal = parent.proposal
    place = clean_place(
        consultation,
        proposal,
        latitude=latitude,
        longitude=longitude,
        geometry_value=geometry,
        twin_feature=twin_feature,
    )
    if place["latitude"] is not None or place["twin_feature"] is not None:
        require("participation.pin_to_map", author, consultation)
    state = ModerationState.PENDING if consultation.moderation_mode == ModerationMode.PRE else ModerationState.APPROVED
    contribution = Contribution.objects.create(
        consultation=consultation,
        proposal=proposal,
        parent=parent,
        author=account_of(author),
        participant=participant_of(author),
        channel=channel,
        text=text,
        **place,
        moderation_state=state,
    )
    if state == ModerationState.APPROVED:
        publish_after_commit(consultation.pk)
        if parent is not None:
            notify_reply(contribution_id=contribution.pk)  # queued with this write, mailed after its commit
    else:
        mail_moderators_after_commit(consultation.pk)
    check_after_commit(contribution.pk)  # the automatic check (services.precheck), as a task after the commit
    return contribution


@transaction.atomic
def tie_to_twin_feature(*, contribution: Contribution, twin_feature: TwinFeature) -> Contribution:
    """Name the twin object a contribution is about, after the fact (the demo, once its twin is imported).

    Only for code run by the operator (management commands): no public entry point calls it. The object
    must meet the consultation's area or be tied to the page, as for a new comment.
    """
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("consultation", "proposal")
        .get(pk=contribution.pk)
    )
    check_twin_feature(contribution.consultation, contribution.proposal, twin_feature)
    if contribution.twin_feature_id != twin_feature.pk:
        contribution.twin_feature = twin_feature
        contribution.save(update_fields=["twin_feature"])
    return contribution
