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
        ProposalPage.serve_with(proposal_page)
        NewsPage.serve_with(news_page)
