"""The rooms API: thin views over ``forum.selectors`` and ``forum.submissions``.

A phone's first call sets its device cookie; its votes count once per
device (or per account, when it is logged in). Writes need the CSRF token
also without an account: the device cookie is a credential too.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from forum.api.serializers import (
    RoomErrorSerializer,
    RoomListItemSerializer,
    RoomQuestionInputSerializer,
    RoomVoteInputSerializer,
    RoomVoteResultSerializer,
    RoomWriteResultSerializer,
)
from forum.cookies import device_key, device_key_or_new, remember_device
from forum.models import RoomSession
from forum.selectors import join_url, open_rooms, room_by_code, room_group
from forum.submissions import (
    RoomOutcome,
    answer_of,
    phone_identity,
    submit_room_question,
    submit_room_upvote,
    submit_room_vote,
)
from participation import selectors as participation_selectors
from participation.api.auth import SessionAuthentication
from participation.live import publisher


def _open_room(request, code: str) -> RoomSession:
    room = room_by_code(code=code, site=participation_selectors.site_scope_for_request(request))
    if room is None or not room.consultation.live or not room.is_open:
        raise NotFound(_("There is no open room with this code. Please check it and try again."))
    return room


class RoomList(APIView):
    """The open room sessions: their code, consultation and what they show now."""

    @extend_schema(responses=RoomListItemSerializer(many=True))
    def get(self, request):
        rooms = [
            {
                "code": room.code,
                "title": room.title,
                "consultation": {"id": room.consultation_id, "title": room.consultation.title},
                "scene": room.scene,
                "url": join_url(room),
            }
            for room in open_rooms(site=participation_selectors.site_scope_for_request(request))
        ]
        return Response(rooms)


class RoomDetail(APIView):
    """A room's current state, as its socket sends it: the poll or proposal shown, its options and, once
    revealed, its totals split by channel. The first call from a phone sets its device cookie."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: RoomErrorSerializer})
    def get(self, request, code: str):
        room = _open_room(request, code)
        frame = json.loads(publisher.current_frame_text(room_group(room.consultation_id), room.consultation_id))
        response = Response(frame)
        key, new = device_key_or_new(request)
        if new:
            remember_device(response, key)
        return response


def _phone_write(request, code: str, submit, **fields) -> Response | RoomOutcome:
    """A phone's write to the open room ``code`` names: CSRF, the room, who it counts for, the submission.

    The session login checks CSRF for accounts only; a phone's device cookie is a credential too.
    Returns the outcome once written, else the refusal to answer.
    """
    SessionAuthentication().enforce_csrf(request)
    room = _open_room(request, code)
    outcome = submit(request, room=room, **fields, **phone_identity(request, key=device_key(request)))
    if outcome.ok:
        return outcome
    response = Response({"detail": outcome.message, "field": outcome.field}, status=outcome.status)
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return response


def _body(request) -> dict:
    return request.data if isinstance(request.data, dict) else {}


_WRITE_RESPONSES = {
    400: RoomErrorSerializer,
    403: RoomErrorSerializer,
    404: RoomErrorSerializer,
    409: RoomErrorSerializer,
    429: RoomErrorSerializer,
}


class RoomVote(APIView):
    """Answer the poll shown (or ``poll``) or vote on the proposal shown, as this phone; counted once per
    phone, through the same write path as online votes. 200 only once the vote is committed."""

    @extend_schema(request=RoomVoteInputSerializer, responses={200: RoomVoteResultSerializer, **_WRITE_RESPONSES})
    def post(self, request, code: str):
        outcome = _phone_write(request, code, submit_room_vote, data=_body(request))
        if isinstance(outcome, Response):
            return outcome
        return Response(answer_of(outcome))


class RoomQuestion(APIView):
    """Ask a question in the room's open question round; it is shown once a moderator approves it."""

    @extend_schema(request=RoomQuestionInputSerializer, responses={200: RoomWriteResultSerializer, **_WRITE_RESPONSES})
    def post(self, request, code: str):
        outcome = _phone_write(request, code, submit_room_question, data=_body(request))
        if isinstance(outcome, Response):
            return outcome
        return Response({"counted": True, "message": outcome.message})


class RoomUpvote(APIView):
    """Back a question shown in the room; once per phone."""

    @extend_schema(request=None, responses={200: RoomWriteResultSerializer, **_WRITE_RESPONSES})
    def post(self, request, code: str, question_id: int):
        outcome = _phone_write(request, code, submit_room_upvote, question_id=question_id)
        if isinstance(outcome, Response):
            return outcome
        return Response({"counted": True, "message": outcome.message})
