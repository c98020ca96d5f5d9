from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from django.urls import register_converter

        from participation.inputs import IdConverter

        register_converter(IdConverter, "id")  # before any URLconf loads: <id:pk> in the paths of every app

        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override

        from participation.forms import JSONField

        # The admin's JSON fields (a consultation's area) refuse JSON nested too deeply instead of failing.
        register_form_field_override(models.JSONField, override={"form_class": JSONField})
        # The pages' requests are answered by views; the models only name them here (no import upwards).
        from participation import tasks  # noqa: F401  registers the Celery tasks that services queue by name
        from participation.models import ConsultationPage, NewsPage, ProposalPage
        from participation.views.pages import consultation_page, news_page, proposal_page

        ConsultationPage.serve_with(consultation_page)
        from django.db.models.signals import post_delete, post_save

        from participation.models import CityProfile
        from participation.selectors.sites import forget_site_profile

        # The kept profile of a site is dropped when staff save it (a cache, no rule of the domain).
        post_save.connect(forget_site_profile, sender=CityProfile, dispatch_uid="forget_site_profile")
        post_delete.connect(forget_site_profile, sender=CityProfile, dispatch_uid="forget_site_profile_deleted")
        from wagtail.models import Site

        post_save.connect(forget_site_profile, sender=Site, dispatch_uid="forget_site_profile_site")
        post_delete.connect(forget_site_profile, sender=Site, dispatch_uid="forget_site_profile_site_deleted")
        from django.test.signals import setting_changed

        from participation.selectors.sites import forget_profiles_on_setting_change

        # Tests that change SITE_NAME, CITY_NAME or the map's settings see them at once.
        setting_changed.connect(forget_profiles_on_setting_change, dispatch_uid="forget_site_profile_setting")
        ProposalPage.serve_with(proposal_page)
        NewsPage.serve_with(news_page)
