"""The moderation queue in the Wagtail admin: pending, published and hidden contributions, and the actions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from participation import selectors, services
from participation.admin_views.base import StaffView, staff_view
from participation.errors import ServiceError
from participation.models import ModerationState


class ModerationQueue(StaffView):
    permission = "participation.moderate"
    template_name = "participation/admin/moderation_queue.html"
    page_title = gettext_lazy("Moderation")
    header_icon = "comment"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = self.request.GET.get("state", ModerationState.PENDING)
        if state not in ModerationState.values:
            state = ModerationState.PENDING
        page = Paginator(selectors.contributions_for_moderation(state=state), 50).get_page(self.request.GET.get("p"))
        context.update({"contributions": page, "state": state, "states": ModerationState.choices})
        return context


@require_POST
@staff_view("participation.moderate")
def moderate(request, pk: int):
    contribution = selectors.contribution_by_id(pk=pk)
    if contribution is None:
        raise Http404
    try:
        services.moderate_contribution(moderator=request.user, contribution=contribution, state=request.POST["state"])
    except (ServiceError, KeyError):
        messages.error(request, _("This moderation action is not possible."))
    else:
        messages.success(request, _("Contribution updated."))
    # Back to the queue page the moderator came from; never to another site (an open redirect).
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "participation_moderation"
    return redirect(back)
