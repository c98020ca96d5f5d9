"""A consultation's results dashboard in the Wagtail admin: for who may export it (moderators, its editors),
at any time, published or not."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from participation import selectors
from participation.admin_views.base import StaffView
from participation.dashboards import dashboard_context

PERMISSION = "participation.export"  # who may take a consultation's data away may see its figures


class ResultsView(StaffView):
    permission = PERMISSION
    template_name = "participation/admin/results.html"
    header_icon = "table"

    def get_permission_object(self, **kwargs):
        self.consultation = selectors.exportable_consultation(pk=kwargs["consultation"])
        if self.consultation is None:
            raise Http404
        return self.consultation

    def get_page_title(self):
        return _("Results: %(title)s") % {"title": self.consultation.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "consultation": self.consultation,
                "open_data": selectors.open_data_dump(consultation_id=self.consultation.pk),
                **dashboard_context(consultation=self.consultation),
            }
        )
        return context
