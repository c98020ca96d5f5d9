"""The mail to moderators who asked for it (opt-in, ``ModeratorSettings``) when contributions wait for review:
at most one an hour per consultation and moderator, whatever the number of contributions or task deliveries.

Each moderator's row of ``ModeratorMail`` is locked, checked, moved on and the mail handed to the mail server in
one transaction: a second delivery of the task waits for the lock and then finds the mail sent this hour.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from participation import selectors
from participation.models import ConsultationPage, ModeratorMail, ModeratorSettings
from participation.rules import require

logger = logging.getLogger(__name__)

MAIL_INTERVAL = timedelta(hours=1)


@transaction.atomic
def set_moderator_settings(*, user, mail_when_waiting: bool) -> ModeratorSettings:
    """A moderator's own choice: a mail when contributions wait for review, or none."""
    require("participation.moderate", user)
    row, _created = ModeratorSettings.objects.update_or_create(
        user=user, defaults={"mail_when_waiting": bool(mail_when_waiting)}
    )
    return row


def mail_moderators(*, consultation_id: int) -> int:
    """Mail every moderator who opted in about what waits in the consultation, unless mailed within the hour.
    Returns how many mails went out now."""
    consultation = ConsultationPage.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return 0
    waiting = selectors.waiting_in_consultation(consultation_id=consultation_id)
    if not waiting:
        return 0
    sent = 0
    for moderator in selectors.moderators_to_mail(consultation=consultation):
        try:
            sent += _mail_one(moderator, consultation, waiting)
        except Exception:
            logger.exception("moderation mail to user %s about consultation %s not sent", moderator.pk, consultation_id)
    return sent


def _mail_one(moderator, consultation: ConsultationPage, waiting: int) -> bool:
    now = timezone.now()
    with transaction.atomic():
        row, created = ModeratorMail.objects.select_for_update().get_or_create(
            user=moderator, consultation=consultation, defaults={"sent_at": now}
        )
        if not created:
            if row.sent_at > now - MAIL_INTERVAL:
                return False
            row.sent_at = now
            row.save(update_fields=["sent_at"])
        with translation.override(_language(moderator)):
            message = _message(moderator, consultation, waiting)
        message.send()
    return True


def _language(user) -> str:
    profile = getattr(user, "wagtail_userprofile", None)
    language = getattr(profile, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _message(moderator, consultation: ConsultationPage, waiting: int) -> EmailMultiAlternatives:
    """In the name of the consultation's site, with links to the admin at its address."""
    site_id = selectors.site_id_of_page(consultation)
    profile, base = selectors.site_profile(site_id=site_id), selectors.public_base_url(site_id=site_id)
    context = {
        "site_name": profile.full_name,
        "consultation": consultation.title,
        "waiting": waiting,
        "link": f"{base}{reverse('participation_moderation')}?consultation={consultation.pk}",
        "settings_link": base + reverse("wagtailadmin_account"),
    }
    subject = _("%(site)s: contributions wait for review in “%(consultation)s”") % {
        "site": profile.full_name,
        "consultation": consultation.title,
    }
    text = render_to_string("participation/mail/moderation_waiting.txt", context)
    message = EmailMultiAlternatives(subject, text, selectors.mail_sender(profile), [moderator.email])
    message.attach_alternative(render_to_string("participation/mail/moderation_waiting.html", context), "text/html")
    return message
