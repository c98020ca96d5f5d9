"""Registered devices of the room: kiosk screens and touch terminals, each known by a secret token.

The token is shown once when it is issued (in the admin, or by ``manage.py
screen_token``/``terminal_token``) and only its SHA-256 digest is stored, so a
copy of the database lets nobody pose as a screen or a terminal.
"""

import hashlib
import hmac

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.models import ClusterableModel

from participation.models import ConsultationPage


class RegisteredDevice(ClusterableModel):
    """What screens and terminals share: a name, an address, a consultation, a hashed token."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Where the device stands, e.g. 'Foyer'."))
    slug = models.SlugField(_("slug"), unique=True)
    consultation = models.ForeignKey(
        ConsultationPage,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        verbose_name=_("consultation"),
        help_text=_("The consultation this device is for: what it shows, where visitors take part."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("A retired device is refused, and its open page says so.")
    )
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    token_issued_at = models.DateTimeField(_("token issued"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_token(self) -> bool:
        return bool(self.token_hash)


def token_digest(token: str) -> str:
    """What is stored of a device token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(device: RegisteredDevice, token: str | None) -> bool:
    """Whether ``token`` is the device's current one; compared in constant time."""
    if not token or not device.token_hash:
        return False
    return hmac.compare_digest(token_digest(token), device.token_hash)
