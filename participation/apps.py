from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        # The pages' requests are answered by views; the models only name them here (no import upwards).
        from participation import tasks  # noqa: F401  registers the Celery tasks that services queue by name
        from participation.models import ConsultationPage, ProposalPage
        from participation.views.pages import consultation_page, proposal_page

        ConsultationPage.serve_with(consultation_page)
        ProposalPage.serve_with(proposal_page)
