"""Who follows which consultation, what each citizen wants to be told by e-mail, and what was queued and sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.contributions import Contribution
from participation.models.pages import ConsultationPage


class NotificationKind(models.TextChoices):
    """What a citizen can be told; each is off until they switch it on (``NotificationSettings``)."""

    REPLY = "reply", _("Someone replies to my comment")
    MODERATION = "moderation", _("A moderator decides on my comment")
    OFFICIAL_ANSWER = "official_answer", _("My comment receives an official answer")
    PHASE = "phase", _("A consultation I follow starts or ends a phase")
    NEWS = "news", _("A consultation I follow publishes news")


class Delivery(models.TextChoices):
    EACH = "each", _("One e-mail for each notification")
    DAILY = "daily", _("One e-mail a day with everything new (digest)")


class Follow(models.Model):
    """A citizen follows a consultation: its phases and news reach them, if they asked for those."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", verbose_name=_("account")
    )
    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="follows", verbose_name=_("consultation")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "consultation"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.consultation_id}"


class NotificationSettings(models.Model):
    """What one citizen wants to be told, how often, and in which language. Without a row: nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("account"),
    )
    on_reply = models.BooleanField(NotificationKind.REPLY.label, default=False)
    on_moderation = models.BooleanField(NotificationKind.MODERATION.label, default=False)
    on_official_answer = models.BooleanField(NotificationKind.OFFICIAL_ANSWER.label, default=False)
    on_phase = models.BooleanField(NotificationKind.PHASE.label, default=False)
    on_news = models.BooleanField(NotificationKind.NEWS.label, default=False)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.EACH)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="de")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}"

    @staticmethod
    def field_of(kind: str) -> str:
        return f"on_{kind}"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, self.field_of(kind)))


class Notification(models.Model):
    """One thing to tell one citizen, queued after the write that caused it, sent once: alone at once, or with
    the day's others in a digest. ``key`` names the event, so the same event is queued once per citizen."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    key = models.CharField(_("what happened"), max_length=200)
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("contribution")
    )
    consultation = models.ForeignKey(
        ConsultationPage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consultation"),
    )
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("page")
    )
    detail = models.CharField(_("detail"), max_length=40, blank=True)  # a phase, a moderation decision
    digest = models.BooleanField(_("in the daily digest"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")]
        indexes = [
            models.Index(
                fields=["digest", "recipient"], condition=models.Q(sent_at__isnull=True), name="notification_pending"
            )
        ]

    def __str__(self) -> str:
        return self.key
