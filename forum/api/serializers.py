"""The rooms API's inputs and outputs, as the OpenAPI schema documents them."""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers


class RoomConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class RoomListItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Six characters; the phone page is /live/{code}/.")
    title = serializers.CharField(help_text="The event, e.g. 'Bürgerforum, 12 November'; may be empty.")
    consultation = RoomConsultationSerializer()
    scene = serializers.CharField(help_text="What is shown now: join, pause, poll, proposal, results, wall, map, twin.")
    url = serializers.CharField(help_text="The public address of the room's phone page (its QR code).")


@extend_schema_serializer(
    examples=[
        OpenApiExample("single choice", value={"option": 12}),
        OpenApiExample("multiple choice", value={"option": [12, 14]}),
        OpenApiExample("scale", value={"value": 4}),
        OpenApiExample("word cloud", value={"text": "mehr Bäume"}),
        OpenApiExample("the proposal shown", value={"proposal": 7, "choice": "support"}),
        OpenApiExample("the proposal shown, rated", value={"proposal": 7, "rating": 4}),
    ]
)
class RoomVoteInputSerializer(serializers.Serializer):
    """An answer to the poll shown (or to ``poll``), or a vote on the proposal shown."""

    poll = serializers.IntegerField(required=False, help_text="The poll answered; default: the one shown.")
    option = serializers.JSONField(required=False, help_text="An option id, or a list of them (multiple choice).")
    value = serializers.IntegerField(required=False, help_text="1 to 5, for a scale.")
    text = serializers.CharField(required=False, help_text="A short answer for a word cloud.")
    proposal = serializers.IntegerField(required=False, help_text="The proposal shown in the room.")
    choice = serializers.ChoiceField(choices=["support", "oppose", "abstain"], required=False)
    rating = serializers.IntegerField(
        required=False, min_value=1, max_value=5, help_text="1 to 5, for the proposal shown where it is rated."
    )


class RoomVoteResultSerializer(serializers.Serializer):
    counted = serializers.BooleanField(help_text="True: the vote is committed and counts.")
    message = serializers.CharField()
    poll = serializers.IntegerField(required=False)
    round = serializers.IntegerField(required=False)
    proposal = serializers.IntegerField(required=False)
    choice = serializers.CharField(required=False, help_text="Empty for a rating.")
    rating = serializers.IntegerField(required=False, help_text="1 to 5, for a rating (a rated consultation).")


class RoomErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why not, in the phone's language.")
    field = serializers.CharField(required=False, allow_null=True)


class RoomQuestionInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The question, up to 300 characters; please no names.")
    poll = serializers.IntegerField(required=False, help_text="The question round; default: the one shown.")


class RoomWriteResultSerializer(serializers.Serializer):
    counted = serializers.BooleanField(help_text="True: it is committed.")
    message = serializers.CharField()
