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
    RoomVoteInputSerializer,
    RoomVoteResultSerializer,
)
from forum.cookies import device_key, device_key_or_new, remember_device
from forum.models import RoomSession
from forum.selectors import join_url, open_rooms, room_by_code, room_group
from forum.submissions import phone_identity, submit_room_vote
from participation.api.auth import SessionAuthentication
from participation.live import publisher
from participation.models import PollAnswer


def _open_room(code: str) -> RoomSession:
    room = room_by_code(code=code)
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
                "url": join_url(room.code),
            }
            for room in open_rooms()
        ]
        return Response(rooms)


class RoomDetail(APIView):
    """A room's current state, as its socket sends it: the poll or proposal shown, its options and, once
    revealed, its totals split by channel. The first call from a phone sets its device cookie."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: RoomErrorSerializer})
    def get(self, request, code: str):
        room = _open_room(code)
        frame = json.loads(publisher.current_frame_text(room_group(room.consultation_id), room.consultation_id))
        response = Response(frame)
        key, new = device_key_or_new(request)
        if new:
            remember_device(response, key)
        return response


class RoomVote(APIView):
    """Answer the poll shown (or ``poll``) or vote on the proposal shown, as this phone; counted once per
    phone, through the same write path as online votes. 200 only once the vote is committed."""

    @extend_schema(
        request=RoomVoteInputSerializer,
        responses={
            200: RoomVoteResultSerializer,
            400: RoomErrorSerializer,
            403: RoomErrorSerializer,
            404: RoomErrorSerializer,
            409: RoomErrorSerializer,
            429: RoomErrorSerializer,
        },
    )
    def post(self, request, code: str):
        # The session login checks CSRF for accounts only; a phone's device cookie is a credential too.
        SessionAuthentication().enforce_csrf(request)
        room = _open_room(code)
        data = request.data if isinstance(request.data, dict) else {}
        outcome = submit_room_vote(request, room=room, data=data, **phone_identity(request, key=device_key(request)))
        if not outcome.ok:
            response = Response({"detail": outcome.message, "field": outcome.field}, status=outcome.status)
            if outcome.retry_after:
                response["Retry-After"] = str(outcome.retry_after)
            return response
        saved = outcome.saved
        if isinstance(saved, PollAnswer):
            body = {"counted": True, "message": outcome.message, "poll": saved.poll_id, "round": saved.round}
        else:
            body = {"counted": True, "message": outcome.message, "proposal": saved.proposal_id, "choice": saved.choice}
        return Response(body)
