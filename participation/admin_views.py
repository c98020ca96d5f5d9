"""Moderation queue in the Wagtail admin: thin views over the moderation service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from participation import services
from participation.errors import ServiceError
from participation.models import Contribution, ModerationState
from participation.rules import allows
from participation.selectors import contributions_for_moderation


def _require_moderator(request) -> None:
    if not allows("participation.moderate", request.user):
        raise PermissionDenied


class ModerationQueue(WagtailAdminTemplateMixin, TemplateView):
    template_name = "participation/admin/moderation_queue.html"
    page_title = gettext_lazy("Moderation")
    header_icon = "comment"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        _require_moderator(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.request.GET.get("state", ModerationState.PENDING)
        if state not in ModerationState.values:
            state = ModerationState.PENDING
        page = Paginator(contributions_for_moderation(state=state), 50).get_page(self.request.GET.get("p"))
        context.update({"contributions": page, "state": state, "states": ModerationState.choices})
        return context


@require_POST
def moderate(request, pk: int):
    _require_moderator(request)
    contribution = get_object_or_404(Contribution, pk=pk)
    try:
        services.moderate_contribution(moderator=request.user, contribution=contribution, state=request.POST["state"])
    except (ServiceError, KeyError):
        messages.error(request, _("This moderation action is not possible."))
    else:
        messages.success(request, _("Contribution updated."))
    return redirect(request.POST.get("next") or "participation_moderation")
