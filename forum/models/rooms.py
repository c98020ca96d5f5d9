"""Room sessions: a live evening of a consultation in the forum room, joined by a short code."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.models.scenes import Scene
from participation.models import ConsultationPage, Poll, ProposalPage

# Six characters people read off a screen and type on a phone: no 0/O, 1/I/L, 2/Z, 5/S or 8/B.
ROOM_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
ROOM_CODE_LENGTH = 6


class RoomSession(models.Model):
    """A consultation live in the room: what the presenter shows now, on every screen and phone.

    At most one session per consultation is open at a time; closed ones keep
    their code, so an old QR code never lands in a new evening.
    """

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.PROTECT, related_name="room_sessions", verbose_name=_("consultation")
    )
    title = models.CharField(_("event"), max_length=200, blank=True, help_text=_("e.g. 'Bürgerforum, 12 November'"))
    code = models.CharField(_("code"), max_length=ROOM_CODE_LENGTH, unique=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    scene = models.CharField(_("shown now"), max_length=10, choices=Scene.choices, default=Scene.JOIN)
    poll = models.ForeignKey(
        Poll, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("poll shown")
    )
    proposal = models.ForeignKey(
        ProposalPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposal shown"),
    )

    class Meta:
        verbose_name = _("room session")
        verbose_name_plural = _("room sessions")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_room_per_consultation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.title or self.consultation_id})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
