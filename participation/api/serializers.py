from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from participation.inputs import ID_MAX
from participation.models import (
    FLAG_NOTE_MAX_LENGTH,
    RATING_VALUES,
    ConsultationPage,
    Contribution,
    FlagReason,
    TwinFeature,
    VoteChoice,
    VotingMethod,
)


class TotalsSerializer(serializers.Serializer):
    support = serializers.IntegerField()
    oppose = serializers.IntegerField()
    abstain = serializers.IntegerField()


class DistributionSerializer(serializers.Serializer):
    """How many gave each value, "1" to "5"."""

    def get_fields(self):
        return {str(value): serializers.IntegerField(min_value=0) for value in RATING_VALUES}


class RatingResultsSerializer(serializers.Serializer):
    """The ratings of a proposal in a rated consultation (all zero, average null, in others)."""

    count = serializers.IntegerField(min_value=0)
    average = serializers.FloatField(
        allow_null=True, min_value=1, max_value=5, help_text="Two decimals; null without ratings."
    )
    distribution = DistributionSerializer()


class ConsultationSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    phase = serializers.CharField(source="current_phase")
    area = serializers.JSONField(help_text="GeoJSON (Multi)Polygon in WGS84, or null.")
    open_data_url = serializers.SerializerMethodField(
        help_text="The anonymised open data download (a ZIP of CSV files, GeoJSON and a README), once the "
        "consultation has ended and its results are published; null until then."
    )

    class Meta:
        model = ConsultationPage
        fields = [
            "id",
            "title",
            "intro",
            "url",
            "phase",
            "participation_starts",
            "participation_ends",
            "voting_starts",
            "voting_ends",
            "voting_method",
            "allow_comments",
            "allow_map_pins",
            "area",
            "open_data_url",
        ]

    def get_url(self, page) -> str:
        return page.get_full_url(self.context.get("request"))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_open_data_url(self, page) -> str | None:
        # ``open_data_ready`` is annotated by selectors.consultations_with_open_data.
        if not (getattr(page, "open_data_ready", False) and page.results_are_public):
            return None
        path = reverse("participation:consultation-open-data", args=[page.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.SerializerMethodField()
    consultation = serializers.IntegerField(source="consultation_id")
    method = serializers.ChoiceField(
        choices=VotingMethod.values, help_text="The consultation's voting method: which of the results counts."
    )
    results = TotalsSerializer(source="totals", help_text="Support, oppose and abstain (method support_oppose).")
    rating_results = RatingResultsSerializer(source="rating", help_text="Ratings 1 to 5 (method rating).")

    def get_url(self, page) -> str:
        return page.get_full_url(self.context.get("request"))


class VoteInputSerializer(serializers.Serializer):
    """A choice for a consultation voted on with support/oppose/abstain, a rating for one rated from 1 to 5."""

    choice = serializers.ChoiceField(
        choices=VoteChoice.values,
        required=False,
        error_messages={"invalid_choice": _("Please choose support, oppose or abstain.")},
    )
    rating = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=5,
        error_messages={
            "invalid": _("Please choose a rating from 1 to 5."),
            "min_value": _("Please choose a rating from 1 to 5."),
            "max_value": _("Please choose a rating from 1 to 5."),
        },
    )

    def validate(self, attrs):
        # What the consultation's method asks for must be there; a value of the other method is left to
        # ``cast_vote``, which says what to give instead.
        if self.context.get("method") == VotingMethod.RATING:
            if "rating" not in attrs and "choice" not in attrs:
                raise serializers.ValidationError({"rating": _("Please choose a rating from 1 to 5.")})
        elif "choice" not in attrs and "rating" not in attrs:
            raise serializers.ValidationError({"choice": _("Please choose support, oppose or abstain.")})
        return attrs


class VoteResultSerializer(serializers.Serializer):
    choice = serializers.CharField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    results = TotalsSerializer()
    rating_results = RatingResultsSerializer()


class LocationSerializer(serializers.Serializer):
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)


class OfficialAnswerSerializer(serializers.Serializer):
    text = serializers.CharField()
    answered_at = serializers.DateTimeField(source="updated_at", help_text="When it was written or last changed.")


class ContributionSerializer(serializers.ModelSerializer):
    """A published comment, with the city's official answer, if any. The author is left out, their public name
    too: the open API carries no personal data (the pages show the public name; open data is reused anywhere)."""

    location = serializers.SerializerMethodField()
    geometry = serializers.JSONField(help_text="GeoJSON Point, LineString or Polygon in WGS84, or null.")
    official_answer = serializers.SerializerMethodField(help_text="The city's official answer, or null.")

    class Meta:
        model = Contribution
        fields = [
            "id",
            "consultation",
            "proposal",
            "parent",
            "text",
            "channel",
            "created_at",
            "edited_at",
            "location",
            "geometry",
            "twin_feature",
            "official_answer",
        ]

    @extend_schema_field(OfficialAnswerSerializer(allow_null=True))
    def get_official_answer(self, contribution) -> dict | None:
        answer = getattr(contribution, "official_answer", None)
        return OfficialAnswerSerializer(answer).data if answer is not None else None

    @extend_schema_field(LocationSerializer(allow_null=True))
    def get_location(self, contribution) -> dict | None:
        if not contribution.is_located:
            return None
        return {"latitude": contribution.latitude, "longitude": contribution.longitude}


class ContributionInputSerializer(serializers.Serializer):
    consultation = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    proposal = serializers.IntegerField(required=False, allow_null=True, max_value=ID_MAX)
    parent = serializers.IntegerField(required=False, allow_null=True, max_value=ID_MAX)
    text = serializers.CharField(trim_whitespace=True)
    location = LocationSerializer(required=False, allow_null=True)
    geometry = serializers.JSONField(
        required=False, allow_null=True, help_text="A point, line or area: GeoJSON geometry in WGS84."
    )
    twin_feature = serializers.IntegerField(
        required=False, allow_null=True, max_value=ID_MAX, help_text="The id of the twin object the comment is about."
    )


class TwinFeatureSearchSerializer(serializers.ModelSerializer):
    """A twin object as the search lists it: enough to name and pick it."""

    label = serializers.CharField(help_text="Its name: own name, address, else what it is; never its id.")
    kind_label = serializers.CharField(source="get_kind_display")
    category = serializers.CharField(help_text="What it is, from the official code lists (e.g. “Church”).")
    url = serializers.SerializerMethodField()

    class Meta:
        model = TwinFeature
        fields = ["id", "label", "kind", "kind_label", "category", "name", "address", "twin_id", "source", "url"]

    def get_url(self, feature) -> str:
        return reverse("participation:twin-feature", args=[feature.pk])


class TwinFeatureDetailSerializer(TwinFeatureSearchSerializer):
    """A twin object as a map names and outlines it when it is clicked."""

    geometry = serializers.JSONField(help_text="Its footprint or line: GeoJSON geometry in WGS84.")

    class Meta(TwinFeatureSearchSerializer.Meta):
        fields = [*TwinFeatureSearchSerializer.Meta.fields, "geometry"]


class FlagInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=FLAG_NOTE_MAX_LENGTH, trim_whitespace=True
    )


class FlagSerializer(serializers.Serializer):
    """A report as its sender sees it (who else reported, and what the moderators decided, stays with them)."""

    contribution = serializers.IntegerField(source="contribution_id")
    reason = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
