"""JSON API v1: thin views over selectors and services."""

import math

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, Throttled, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from participation import selectors, services
from participation.api.serializers import (
    ConsultationSerializer,
    ContributionInputSerializer,
    ContributionSerializer,
    ProposalSerializer,
    TwinFeatureSearchSerializer,
    VoteInputSerializer,
    VoteResultSerializer,
)
from participation.errors import NotAllowed, ServiceError
from participation.models import ConsultationPage, Contribution, TwinFeature


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: _("Must be a whole number.")}) from None


def _raise_service_error(request, error: ServiceError):
    if isinstance(error, NotAllowed):
        if not request.user.is_authenticated:
            raise NotAuthenticated(error.message)
        raise PermissionDenied(error.message)
    raise ValidationError({error.field or "detail": [error.message]})


def _check_rate(request, group: str, rate: str) -> None:
    if is_ratelimited(request, group=group, key="user_or_ip", rate=rate, method="POST", increment=True):
        raise Throttled(detail=_("Too many requests in a short time. Please wait a minute."))


class ConsultationList(generics.ListAPIView):
    """Published consultations, newest first."""

    serializer_class = ConsultationSerializer

    def get_queryset(self):
        return ConsultationPage.objects.live().order_by("-participation_starts", "pk")


class ConsultationDetail(generics.RetrieveAPIView):
    serializer_class = ConsultationSerializer

    def get_queryset(self):
        return ConsultationPage.objects.live()


@extend_schema(parameters=[OpenApiParameter("consultation", OpenApiTypes.INT, description="Only this consultation's")])
class ProposalList(generics.ListAPIView):
    """Published proposals with their vote totals."""

    serializer_class = ProposalSerializer

    def get_queryset(self):
        return selectors.published_proposals(consultation_id=_int_param(self.request, "consultation"))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.with_results(page)


class ProposalDetail(APIView):
    @extend_schema(responses=ProposalSerializer)
    def get(self, request, pk: int):
        proposal = get_object_or_404(selectors.published_proposals(), pk=pk)
        (proposal,) = selectors.with_results([proposal])
        return Response(ProposalSerializer(proposal, context={"request": request}).data)


class ProposalVote(APIView):
    """Cast or change the logged-in citizen's vote (session login and CSRF token required)."""

    @extend_schema(request=VoteInputSerializer, responses={200: VoteResultSerializer, 400: None, 401: None, 403: None})
    def post(self, request, pk: int):
        proposal = get_object_or_404(selectors.published_proposals(), pk=pk)
        if not request.user.is_authenticated:
            raise NotAuthenticated(_("Please log in with a confirmed email address to take part."))
        _check_rate(request, "vote", settings.RATELIMIT_VOTES)
        data = VoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            vote = services.cast_vote(voter=request.user, proposal=proposal, choice=data.validated_data["choice"])
        except ServiceError as error:
            _raise_service_error(request, error)
        results = selectors.proposal_results(proposal_ids=[proposal.pk])[proposal.pk]
        return Response({"choice": vote.choice, "results": results})


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
        # Comments of a withdrawn (unpublished) consultation leave the open API with it.
        contributions = Contribution.objects.visible().filter(consultation__live=True).order_by("created_at", "id")
        if (consultation := _int_param(self.request, "consultation")) is not None:
            contributions = contributions.filter(consultation_id=consultation)
        if (proposal := _int_param(self.request, "proposal")) is not None:
            contributions = contributions.filter(proposal_id=proposal)
        return contributions

    @extend_schema(request=ContributionInputSerializer, responses={201: ContributionSerializer})
    def post(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated(_("Please log in with a confirmed email address to take part."))
        _check_rate(request, "comment", settings.RATELIMIT_CONTRIBUTIONS)
        data = ContributionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        consultation = get_object_or_404(ConsultationPage.objects.live(), pk=values["consultation"])
        location = values.get("location") or {}
        # An id that names nothing is refused, never dropped: the comment would land elsewhere.
        proposal = _named(
            selectors.published_proposals(), values.get("proposal"), "proposal", _("There is no such proposal.")
        )
        parent = _named(
            Contribution.objects.all(), values.get("parent"), "parent", _("The comment you reply to is not available.")
        )
        twin_feature = _named(
            TwinFeature.objects.all(),
            values.get("twin_feature"),
            "twin_feature",
            _("There is no such object in the twin."),
        )
        try:
            contribution = services.post_contribution(
                author=request.user,
                consultation=consultation,
                proposal=proposal,
                parent=parent,
                text=values["text"],
                latitude=location.get("latitude"),
                longitude=location.get("longitude"),
                geometry=values.get("geometry"),
                twin_feature=twin_feature,
            )
        except ServiceError as error:
            _raise_service_error(request, error)
        return Response(ContributionSerializer(contribution).data, status=status.HTTP_201_CREATED)


def _named(queryset, pk: int | None, field: str, message: str):
    """The object ``pk`` names, None if no id was sent; a 400 on ``field`` if it names nothing."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found


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
            consultation_id=_int_param(request, "consultation"), bbox=_bbox_param(request), zoom=_zoom_param(request)
        )
        return JsonResponse(collection, content_type="application/geo+json")


class TwinFeatureList(APIView):
    """Search the twin's objects by name, address or twin id: a short list to pick from.

    With ``consultation``, only the objects a comment on it may be about: those meeting its area, and
    those staff tied to it (listed first).
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of the name, address or twin id"),
            OpenApiParameter("consultation", OpenApiTypes.INT),
        ],
        responses={200: TwinFeatureSearchSerializer(many=True)},
    )
    def get(self, request):
        consultation = None
        if (consultation_id := _int_param(request, "consultation")) is not None:
            consultation = get_object_or_404(ConsultationPage.objects.live(), pk=consultation_id)
        found = selectors.search_twin_features(query=request.query_params.get("q", ""), consultation=consultation)
        return Response(TwinFeatureSearchSerializer(found, many=True).data)


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
        collection = selectors.twin_feature_map(bbox=bbox, zoom=_zoom_param(request))
        return JsonResponse(collection, content_type="application/geo+json")


def _zoom_param(request) -> int | None:
    zoom = _int_param(request, "zoom")
    if zoom is not None and not 0 <= zoom <= 24:
        raise ValidationError({"zoom": _("Give a zoom level from 0 to 24.")})
    return zoom


def _bbox_param(request) -> tuple[float, float, float, float] | None:
    value = request.query_params.get("bbox")
    if not value:
        return None
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in value.split(","))
    except ValueError:
        raise ValidationError({"bbox": _("Give four numbers: min_lon,min_lat,max_lon,max_lat.")}) from None
    if not all(map(math.isfinite, (min_lon, min_lat, max_lon, max_lat))):  # float() reads "nan" and "inf"
        raise ValidationError({"bbox": _("Give four numbers: min_lon,min_lat,max_lon,max_lat.")})
    return min_lon, min_lat, max_lon, max_lat
