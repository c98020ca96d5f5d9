"""Participants: whoever a vote or a contribution comes from, with or without an account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ParticipantKind(models.TextChoices):
    ACCOUNT = "account", _("account")
    DEVICE = "device", _("phone in the room")
    TERMINAL_SESSION = "terminal", _("visitor at a terminal")
    # What a deleted account's votes and answers are kept under (one per vote): counted, linked to nobody.
    DELETED = "deleted", _("deleted account")


class Participant(models.Model):
    """One identity that votes count once for: an account, a room phone or one walk-in at a terminal.

    A phone and a terminal session are known only by a random key (carried in
    a signed cookie, or held by the terminal); no personal data, no address.
    A deleted account leaves one key-less "deleted" participant per vote or answer it gave.
    One vote per participant is a database constraint on the votes.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ParticipantKind.choices)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="participant",
        verbose_name=_("account"),
    )
    key = models.CharField(_("key"), max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=ParticipantKind.ACCOUNT, user__isnull=False, key__isnull=True)
                    | (
                        models.Q(kind__in=[ParticipantKind.DEVICE, ParticipantKind.TERMINAL_SESSION])
                        & models.Q(user__isnull=True, key__isnull=False)
                    )
                    | models.Q(kind=ParticipantKind.DELETED, user__isnull=True, key__isnull=True)
                ),
                name="participant_is_an_account_or_has_a_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def is_account(self) -> bool:
        return self.kind == ParticipantKind.ACCOUNT
