"""The physical room: registered kiosk screens."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from participation.models import ConsultationPage


class Screen(models.Model):
    """A display in the forum room that shows one consultation's live results."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Where the screen stands, e.g. 'Foyer'."))
    slug = models.SlugField(_("slug"), unique=True, help_text=_("Part of the screen's address: /kiosk/<slug>/"))
    consultation = models.ForeignKey(
        ConsultationPage,
        on_delete=models.PROTECT,
        related_name="screens",
        verbose_name=_("consultation"),
        help_text=_("The consultation whose live results this screen shows."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("kiosk screen")
        verbose_name_plural = _("kiosk screens")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
