"""Kiosk screens: displays in the forum room that follow the presenter or rotate through scenes."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable

from forum.models.devices import RegisteredDevice
from forum.models.scenes import ROTATION_SCENES


class ScreenMode(models.TextChoices):
    FOLLOW = "follow", _("Follow the presenter")
    ROTATE = "rotate", _("Rotate through scenes")


class Screen(RegisteredDevice):
    """A display in the forum room that shows one consultation live. Needs no login: its token is its key."""

    slug = models.SlugField(_("slug"), unique=True, help_text=_("Part of the screen's address: /kiosk/<slug>/"))
    mode = models.CharField(_("mode"), max_length=10, choices=ScreenMode.choices, default=ScreenMode.FOLLOW)

    class Meta(RegisteredDevice.Meta):
        verbose_name = _("kiosk screen")
        verbose_name_plural = _("kiosk screens")


class ScreenScene(Orderable):
    """One step of a screen's rotation: a scene and how long it stays."""

    screen = ParentalKey(Screen, on_delete=models.CASCADE, related_name="rotation")
    scene = models.CharField(_("scene"), max_length=10, choices=[(s.value, s.label) for s in ROTATION_SCENES])
    seconds = models.PositiveSmallIntegerField(
        _("seconds"), default=20, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )

    class Meta(Orderable.Meta):
        verbose_name = _("scene of the rotation")
        verbose_name_plural = _("scenes of the rotation")

    def __str__(self) -> str:
        return f"{self.get_scene_display()} ({self.seconds} s)"
