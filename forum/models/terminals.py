"""Touch terminals: shared devices in the forum room where walk-in visitors comment and vote."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from forum.models.devices import RegisteredDevice


class Terminal(RegisteredDevice):
    """A touch device in the room. Each visitor gets a terminal session of their own, reset after them."""

    slug = models.SlugField(_("slug"), unique=True, help_text=_("Part of the terminal's address: /terminal/<slug>/"))

    class Meta(RegisteredDevice.Meta):
        verbose_name = _("touch terminal")
        verbose_name_plural = _("touch terminals")
