"""JSON API v1: thin views over selectors and services."""

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import (
    APIException,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationError,
)
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from participation import selectors, services
from participation.api.serializers import (
    ConsultationSerializer,
    ContributionInputSerializer,
    ContributionSerializer,
    FlagInputSerializer,
    FlagSerializer,
    ProposalSerializer,
    TwinFeatureDetailSerializer,
    TwinFeatureSearchSerializer,
    VoteInputSerializer,
    VoteResultSerializer,
)
from participation.errors import NotAllowed, ServiceError
from participation.inputs import parse_bbox, rate_limited, resolve, retry_after, search_text, whole_number
from participation.rules import LOGGED_IN


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return whole_number(value, field=name)
    except ServiceError as error:
        raise ValidationError({name: error.message}) from None


def _raise_service_error(request, error: ServiceError):
    if isinstance(error, NotAllowed):
        if not request.user.is_authenticated:
            raise NotAuthenticated(error.message)
        raise PermissionDenied(error.message)
    raise ValidationError({error.field or "detail": [error.message]})


def _check_rate(request, group: str, rate: str) -> None:
    if rate_limited(request, group=group, rate=rate):
        error = Throttled(detail=_("Too many requests in a short time. Please wait a minute."))
        error.wait = retry_after(rate)  # sent as Retry-After by DRF (given to __init__, it would be in the detail)
        raise error


def _require_login(request) -> None:
    """Before rate limits and validation: an anonymous write is a 401 with the rules' reason."""
    if not request.user.is_authenticated:
        raise NotAuthenticated(str(LOGGED_IN.message))


class ConsultationList(generics.ListAPIView):
    """Published consultations, newest first."""

    serializer_class = ConsultationSerializer

    def get_queryset(self):
        return selectors.consultations_with_open_data(site=selectors.site_scope_for_request(self.request))


class ConsultationDetail(generics.RetrieveAPIView):
    """One published consultation: its phases, what it allows, its area and its open data download."""

    serializer_class = ConsultationSerializer

    def get_queryset(self):
        return selectors.consultations_with_open_data(site=selectors.site_scope_for_request(self.request))


@extend_schema(parameters=[OpenApiParameter("consultation", OpenApiTypes.INT, description="Only this consultation's")])
class ProposalList(generics.ListAPIView):
    """Published proposals with their results: vote totals, or ratings (see ``method``)."""

    serializer_class = ProposalSerializer

    def get_queryset(self):
        return selectors.published_proposals(
            consultation_id=_int_param(self.request, "consultation"),
            site=selectors.site_scope_for_request(self.request),
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.with_results(page)


class ProposalDetail(APIView):
    """One published proposal with its results: vote totals, or ratings (see ``method``)."""

    @extend_schema(responses=ProposalSerializer)
    def get(self, request, pk: int):
        proposal = get_object_or_404(
            selectors.published_proposals(site=selectors.site_scope_for_request(request)), pk=pk
        )
        (proposal,) = selectors.with_results([proposal])
        return Response(ProposalSerializer(proposal, context={"request": request}).data)


class ProposalVote(APIView):
    """Cast or change the logged-in citizen's vote (session login and CSRF token required): a ``choice`` where the
    consultation's method is support/oppose/abstain, a ``rating`` from 1 to 5 where it is rating."""

    @extend_schema(request=VoteInputSerializer, responses={200: VoteResultSerializer})
    def post(self, request, pk: int):
        proposal = get_object_or_404(
            selectors.published_proposals(site=selectors.site_scope_for_request(request)), pk=pk
        )
        _require_login(request)
        _check_rate(request, "vote", settings.RATELIMIT_VOTES)
        method = selectors.consultation_of(proposal).voting_method
        data = VoteInputSerializer(data=request.data, context={"method": method})
        data.is_valid(raise_exception=True)
        try:
            # The totals are read before the vote commits: a database lost on the way is a 503 for a vote that
            # was not saved (rolled back), never a saved vote reported failed.
            with transaction.atomic():
                vote = services.cast_vote(voter=request.user, proposal=proposal, **data.validated_data)
                tally = selectors.proposal_tallies(proposal_ids=[proposal.pk])[proposal.pk]
        except ServiceError as error:
            _raise_service_error(request, error)
        return Response(
            {
                "choice": vote.choice or None,
                "rating": vote.rating,
                "results": tally["totals"],
                "rating_results": tally["rating"],
            }
        )


@extend_schema(
    parameters=[
        OpenApiParameter("consultation", OpenApiTypes.INT),
        OpenApiParameter("proposal", OpenApiTypes.INT),
    ]
)
class ContributionList(generics.ListCreateAPIView):
    """Published comments; POST writes one as the logged-in citizen."""

    serializer_class = ContributionSerializer

    def get_queryset(self):
        return selectors.public_contribution_list(
            consultation_id=_int_param(self.request, "consultation"),
            proposal_id=_int_param(self.request, "proposal"),
            site=selectors.site_scope_for_request(self.request),
        )

    @extend_schema(request=ContributionInputSerializer, responses={201: ContributionSerializer})
    def post(self, request):
        _require_login(request)
        _check_rate(request, "comment", settings.RATELIMIT_CONTRIBUTIONS)
        data = ContributionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        consultation = selectors.published_consultation(
            pk=values["consultation"], site=selectors.site_scope_for_request(request)
        )
        if consultation is None:
            raise NotFound(_("There is no such consultation."))
        location = values.get("location") or {}
        try:
            contribution = services.post_contribution(
                author=request.user,
                consultation=consultation,
                text=values["text"],
                latitude=location.get("latitude"),
                longitude=location.get("longitude"),
                geometry=values.get("geometry"),
                **_references(values),
            )
        except ServiceError as error:
            _raise_service_error(request, error)
        return Response(ContributionSerializer(contribution).data, status=status.HTTP_201_CREATED)


class ContributionFlags(APIView):
    """Report a published contribution to the moderators, as the logged-in citizen (session login and CSRF token
    required): a reason and an optional note, once per account and contribution (again: 409)."""

    @extend_schema(
        request=FlagInputSerializer,
        responses={
            201: FlagSerializer,
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="This account has reported it already."),
        },
    )
    def post(self, request, pk: int):
        contribution = (
            selectors.public_contributions(site=selectors.site_scope_for_request(request))
            .filter(pk=pk)
            .select_related("consultation")
            .first()
        )
        if contribution is None:
            raise NotFound(_("There is no such contribution."))
        _require_login(request)
        _check_rate(request, "flag", settings.RATELIMIT_FLAGS)
        data = FlagInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            flag = services.flag_contribution(
                user=request.user,
                contribution=contribution,
                reason=data.validated_data["reason"],
                note=data.validated_data.get("note", ""),
            )
        except services.AlreadyFlagged as error:
            raise Conflict(error.message) from None
        except ServiceError as error:
            _raise_service_error(request, error)
        return Response(FlagSerializer(flag).data, status=status.HTTP_201_CREATED)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _published_proposal(*, pk: int):
    return selectors.published_proposals().filter(pk=pk).first()


def _references(values: dict) -> dict:
    """The proposal, comment and twin object an input names; an id that names nothing is a 400 on its field."""
    return {
        "proposal": resolve(
            _published_proposal, values.get("proposal"), field="proposal", message=_("There is no such proposal.")
        ),
        "parent": resolve(
            selectors.contribution_by_id,
            values.get("parent"),
            field="parent",
            message=_("The comment you reply to is not available."),
        ),
        "twin_feature": resolve(
            selectors.twin_feature,
            values.get("twin_feature"),
            field="twin_feature",
            message=_("There is no such object in the twin."),
        ),
    }


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


_BBOX = OpenApiParameter("bbox", OpenApiTypes.STR, description="min_lon,min_lat,max_lon,max_lat (WGS84)")
_ZOOM = OpenApiParameter("zoom", OpenApiTypes.INT, description="The map's zoom level (0-24): sets the cluster size")


class ContributionGeoJSON(APIView):
    """Published comments with a place as a GeoJSON FeatureCollection (WGS84), clustered when many.

    Up to a few hundred comments in the view come one by one with their text; more come as grid clusters
    computed by the database (``properties.cluster: true``, ``count``, at their mean position), and only
    comments alone in their cell keep their text. ``clustered`` and ``total`` say which it is.
    """

    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(
        parameters=[OpenApiParameter("consultation", OpenApiTypes.INT), _BBOX, _ZOOM],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        collection = selectors.contribution_map(
            consultation_id=_int_param(request, "consultation"),
            bbox=_bbox_param(request),
            zoom=_zoom_param(request),
            site=selectors.site_scope_for_request(request),
        )
        return JsonResponse(collection, content_type="application/geo+json")


class TwinFeatureList(APIView):
    """Search the twin's objects by name, address, what they are ("Kirche", "church") or twin id, best first:
    a short list to pick from.

    With ``consultation``, only the objects a comment on it may be about: those meeting its area, and
    those staff tied to it (listed first).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Part of the name, address, kind or function, or twin id"
            ),
            OpenApiParameter("consultation", OpenApiTypes.INT),
        ],
        responses={200: TwinFeatureSearchSerializer(many=True)},
    )
    def get(self, request):
        consultation = None
        site = selectors.site_scope_for_request(request)
        if (consultation_id := _int_param(request, "consultation")) is not None:
            consultation = selectors.published_consultation(pk=consultation_id, site=site)
            if consultation is None:
                raise NotFound(_("There is no such consultation."))
        try:
            query = search_text(request.query_params.get("q", ""))
        except ServiceError as error:
            raise ValidationError({"q": error.message}) from None
        found = selectors.search_twin_features(query=query, consultation=consultation, site=site)
        return Response(TwinFeatureSearchSerializer(found, many=True).data)


class TwinFeatureDetail(APIView):
    """One object of the twin: its name, what it is, its page and its outline."""

    @extend_schema(responses={200: TwinFeatureDetailSerializer})
    def get(self, request, pk: int):
        feature = selectors.twin_feature_choice(pk=pk, site=selectors.site_scope_for_request(request))
        if feature is None:
            raise NotFound(_("There is no such object in the city model."))
        return Response(TwinFeatureDetailSerializer(feature).data)


class TwinFeatureGeoJSON(APIView):
    """The twin's objects in the view as a GeoJSON FeatureCollection of footprints (WGS84), for the map.

    ``bbox`` is required. When the view holds too many objects or the zoom is low, the answer is grid
    clusters (``clustered: true``) instead: zoom in to see the footprints.
    """

    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(parameters=[_BBOX, _ZOOM], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        bbox = _bbox_param(request)
        if bbox is None:
            raise ValidationError({"bbox": _("Give the view: min_lon,min_lat,max_lon,max_lat.")})
        collection = selectors.twin_feature_map(
            bbox=bbox, zoom=_zoom_param(request), site=selectors.site_scope_for_request(request)
        )
        return JsonResponse(collection, content_type="application/geo+json")


def _zoom_param(request) -> int | None:
    value = request.query_params.get("zoom")
    if value in (None, ""):
        return None
    try:
        return whole_number(value, field="zoom", maximum=24)
    except ServiceError:
        raise ValidationError({"zoom": _("Give a zoom level from 0 to 24.")}) from None


def _bbox_param(request) -> tuple[float, float, float, float] | None:
    value = request.query_params.get("bbox")
    if not value:
        return None
    try:
        return parse_bbox(value)
    except ServiceError as error:
        raise ValidationError({"bbox": error.message}) from None
