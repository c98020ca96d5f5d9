"""Every write of the domain. Views, the API, consumers, commands and tasks call these.

Each service checks permissions, validates, writes in one transaction and
schedules its side effects (live broadcasts) to run after the commit.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from participation import geometry, live, selectors
from participation.errors import InvalidInput
from participation.models import (
    Channel,
    ConsultationPage,
    Contribution,
    ModerationMode,
    ModerationState,
    ProposalPage,
    ResultsRevision,
    TwinFeature,
    Vote,
    VoteChoice,
)
from participation.rules import require
from participation.selectors import consultation_of

# Format characters that are part of writing, not noise: the zero-width joiner
# holds emoji sequences together, the non-joiner is part of Persian spelling.
_KEPT_CONTROLS = "\n\t\u200c\u200d"


def _clean_text(text: str) -> str:
    # Keep line breaks, tabs and joiners; drop other control characters a paste may carry.
    text = "".join(ch for ch in (text or "") if ch in _KEPT_CONTROLS or unicodedata.category(ch)[0] != "C")
    text = text.strip()
    if not text:
        raise InvalidInput(_("Please write something."), field="text")
    limit = settings.CONTRIBUTION_MAX_LENGTH
    if len(text) > limit:
        raise InvalidInput(
            _("Please keep it to %(limit)d characters (you wrote %(length)d).") % {"limit": limit, "length": len(text)},
            field="text",
        )
    return text


def _clean_point(consultation: ConsultationPage, latitude, longitude) -> tuple[float | None, float | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise InvalidInput(_("A map pin needs both a latitude and a longitude."), field="location") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput(_("These coordinates do not exist on earth."), field="location")
    if consultation.area and not geometry.contains_point(consultation.area, latitude=latitude, longitude=longitude):
        raise InvalidInput(
            _("The pin lies outside the area of this consultation. Please place it inside the marked area."),
            field="location",
        )
    return latitude, longitude


def _clean_geometry(consultation: ConsultationPage, value) -> geometry.Place | None:
    if value in (None, "", {}):
        return None
    try:
        return geometry.clean_contribution_geometry(value, area=consultation.area)
    except geometry.GeometryError as error:
        raise InvalidInput(error.message, field="geometry") from None


def _check_twin_feature(consultation: ConsultationPage, proposal: ProposalPage | None, feature: TwinFeature) -> None:
    """The object must meet the consultation's area, or be one of the objects staff tied to it or the proposal."""
    if not consultation.area or geometry.intersects(consultation.area, feature.geometry):
        return
    if selectors.twin_feature_is_linked(feature=feature, consultation=consultation, proposal=proposal):
        return
    raise InvalidInput(
        _("This object of the twin lies outside the area of this consultation. Please choose one inside it."),
        field="twin_feature",
    )


def _clean_place(
    consultation: ConsultationPage,
    proposal: ProposalPage | None,
    *,
    latitude,
    longitude,
    geometry_value,
    twin_feature: TwinFeature | None,
) -> dict:
    """Where the contribution is: a point, a line or an area, and/or a twin object; checked, as model fields."""
    latitude, longitude = _clean_point(consultation, latitude, longitude)
    place = _clean_geometry(consultation, geometry_value)
    if place is not None and latitude is not None:
        raise InvalidInput(
            _("Give either the coordinates of a point or a drawn line or area, not both."), field="geometry"
        )
    if twin_feature is not None:
        _check_twin_feature(consultation, proposal, twin_feature)
    if place is not None:
        return {
            "geometry": place.geometry,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "twin_feature": twin_feature,
        }
    shape = {"type": "Point", "coordinates": [longitude, latitude]} if latitude is not None else None
    return {"geometry": shape, "latitude": latitude, "longitude": longitude, "twin_feature": twin_feature}


def _bump_results_revision(consultation_id: int) -> None:
    revision, _created = ResultsRevision.objects.get_or_create(consultation_id=consultation_id)
    ResultsRevision.objects.filter(pk=revision.pk).update(value=F("value") + 1)


def _publish_after_commit(consultation_id: int) -> None:
    _bump_results_revision(consultation_id)
    transaction.on_commit(lambda: live.publisher.request(consultation_id))


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

    The comment may have a place: a point (``latitude``/``longitude``, or a GeoJSON Point), a line or an
    area (``geometry``, GeoJSON in WGS84), and/or a twin object; all of it must lie in the consultation's area.
    """
    require("participation.comment", author, consultation)
    text = _clean_text(text)
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
    place = _clean_place(
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
        author=author,
        channel=channel,
        text=text,
        **place,
        moderation_state=state,
    )
    if state == ModerationState.APPROVED:
        _publish_after_commit(consultation.pk)
    return contribution


@transaction.atomic
def cast_vote(*, voter, proposal: ProposalPage, choice: str, channel: str = Channel.ONLINE) -> Vote:
    """Record or change a citizen's vote on a proposal; one row per voter and proposal."""
    consultation = consultation_of(proposal)
    require("participation.vote", voter, consultation)
    if choice not in VoteChoice.values:
        raise InvalidInput(_("Please choose support, oppose or abstain."), field="choice")
    now = timezone.now()
    # One upsert: concurrent votes of the same citizen end in one row, never an error.
    Vote.objects.bulk_create(
        [Vote(proposal=proposal, voter=voter, choice=choice, channel=channel, created_at=now, updated_at=now)],
        update_conflicts=True,
        unique_fields=["proposal", "voter"],
        update_fields=["choice", "channel", "updated_at"],
    )
    _publish_after_commit(consultation.pk)
    return Vote.objects.get(proposal=proposal, voter=voter)


@transaction.atomic
def moderate_contribution(*, moderator, contribution: Contribution, state: str) -> Contribution:
    """A moderator publishes or hides a contribution; hiding never deletes it."""
    require("participation.moderate", moderator)
    if state not in ModerationState.values:
        raise InvalidInput(_("Unknown moderation state."), field="state")
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    was_visible = contribution.moderation_state == ModerationState.APPROVED
    if contribution.moderation_state != state:
        contribution.moderation_state = state
        contribution.save(update_fields=["moderation_state"])
    if was_visible != (state == ModerationState.APPROVED):
        _publish_after_commit(contribution.consultation_id)
    return contribution
