"""Moderation: citizens' flags, every moderation decision (the log), and what moderators want to be mailed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.contributions import Contribution, ModerationState
from participation.models.pages import ConsultationPage

FLAG_NOTE_MAX_LENGTH = 500
DECISION_REASON_MAX_LENGTH = 500


class FlagReason(models.TextChoices):
    INSULT = "insult", _("Insult, threat or hate")
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Off topic")
    PERSONAL_DATA = "personal_data", _("Personal data of others")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """A citizen's report that a contribution breaks the rules: one per account and contribution.

    Open until a moderator decides on the contribution (``resolved_at``)."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="flags", verbose_name=_("contribution")
    )
    # A deleted account's flags stay (what was reported stays reported), linked to nobody.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contribution_flags",
        verbose_name=_("flagged by"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.TextField(_("note"), max_length=FLAG_NOTE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contribution", "user"], name="flag_once_per_account"),
        ]
        indexes = [
            models.Index(fields=["contribution"], condition=models.Q(resolved_at__isnull=True), name="flag_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.contribution_id})"


class DecisionAction(models.TextChoices):
    APPROVE = "approve", _("approved")
    HIDE = "hide", _("hidden")
    RESTORE = "restore", _("restored")
    AUTOMATIC_CHECK = "automatic", _("held for review by the automatic check")


class ModerationDecision(models.Model):
    """One moderation decision on a contribution: who (none: the automatic check), when, what and why."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("contribution")
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    action = models.CharField(_("action"), max_length=10, choices=DecisionAction.choices)
    from_state = models.CharField(_("from"), max_length=10, choices=ModerationState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=ModerationState.choices)
    reason = models.TextField(_("reason"), max_length=DECISION_REASON_MAX_LENGTH, blank=True)
    flags_resolved = models.PositiveIntegerField(_("flags resolved"), default=0)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["contribution", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.contribution_id})"

    @property
    def is_automatic(self) -> bool:
        return self.action == DecisionAction.AUTOMATIC_CHECK


class ModeratorSettings(models.Model):
    """What a moderator chose for themselves: a mail when contributions wait for review (opt-in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderator_settings",
        verbose_name=_("account"),
    )
    mail_when_waiting = models.BooleanField(
        _("Mail me when contributions wait for review"),
        default=False,
        help_text=_("At most one mail per hour and consultation."),
    )

    class Meta:
        verbose_name = _("moderator settings")
        verbose_name_plural = _("moderator settings")

    def __str__(self) -> str:
        return str(self.user)


class ModeratorMail(models.Model):
    """When a moderator was last mailed about a consultation's waiting contributions (at most one an hour)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "consultation"], name="moderator_mail_once_per_consultation"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.consultation_id} {self.sent_at:%Y-%m-%d %H:%M}"
