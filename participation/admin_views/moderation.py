"""The moderation queue in the Wagtail admin: tabs (new, flagged, published, hidden), filters, short excerpts with
the full text on demand, flags and the decision history of each contribution; approve, restore, and hide with a
reason after a confirmation step, one by one or for the rows chosen (all in one transaction)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from participation import selectors, services
from participation.admin_views.base import StaffView, require_permission, staff_view
from participation.errors import ServiceError
from participation.models import DECISION_REASON_MAX_LENGTH, Channel, ModerationState
from participation.selectors import QueueFilters, Tab

PERMISSION = "participation.moderate"
ROWS_PER_PAGE = 50
EXCERPT_LENGTH = 200


DATE = forms.DateInput(attrs={"type": "date"})


class FilterForm(forms.Form):
    """The queue's filters (a GET form); what does not parse is left out, never an error page."""

    consultation = forms.TypedChoiceField(
        label=gettext_lazy("Consultation"), required=False, coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), required=False, choices=[("", gettext_lazy("all")), *Channel.choices]
    )
    since = forms.DateField(
        label=gettext_lazy("Written from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Written until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [("", _("all")), *((c.pk, c.title) for c in consultations)]

    def filters(self, tab: str, *, scope) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return QueueFilters(
            tab=tab,
            scope=scope,
            consultation_id=data.get("consultation"),
            channel=data.get("channel") or None,
            since=data.get("since"),
            until=data.get("until"),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the author sees it)"),
        max_length=DECISION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _scope(user):
    """The consultations whose contributions ``user`` moderates (their sites'); None: all (a superuser)."""
    return None if user.is_superuser else selectors.consultations_managed_by(user=user)


def _tab(request) -> str:
    tab = request.GET.get("tab") or request.GET.get("state") or Tab.PENDING
    return tab if tab in Tab.ALL else Tab.PENDING


class ModerationQueue(StaffView):
    permission = PERMISSION
    template_name = "participation/admin/moderation_queue.html"
    page_title = gettext_lazy("Moderation")
    header_icon = "comment"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tab = _tab(self.request)
        consultations = selectors.moderated_consultations(user=self.request.user)
        form = FilterForm(self.request.GET or None, consultations=consultations)
        filters = form.filters(tab, scope=_scope(self.request.user))
        page = Paginator(selectors.moderation_queue(filters), ROWS_PER_PAGE).get_page(self.request.GET.get("p"))
        counts = selectors.moderation_tab_counts(filters)
        query = self.request.GET.copy()
        query.pop("p", None)
        query.pop("tab", None)
        query.pop("state", None)
        tabs = [
            (Tab.PENDING, _("New"), counts[Tab.PENDING]),
            (Tab.FLAGGED, _("Flagged"), counts[Tab.FLAGGED]),
            (Tab.PUBLISHED, _("Published"), counts[Tab.PUBLISHED]),
            (Tab.HIDDEN, _("Hidden"), counts[Tab.HIDDEN]),
        ]
        context.update(
            {
                "contributions": page,
                "rows": [_row(self.request, contribution) for contribution in page],
                "tab": tab,
                "tabs": tabs,
                "filter_form": form,
                "filter_query": query.urlencode(),
                "reason_max_length": DECISION_REASON_MAX_LENGTH,
                "excerpt_length": EXCERPT_LENGTH,
            }
        )
        return context


def _row(request, contribution) -> dict:
    return {
        "contribution": contribution,
        "url": selectors.contribution_url(contribution, request=request),
        "long": len(contribution.text) > EXCERPT_LENGTH,
        "place": _place(contribution),
    }


def _place(contribution) -> str:
    parts = []
    if contribution.twin_feature_id:
        parts.append(contribution.twin_feature.label)
    kind = (contribution.geometry or {}).get("type")
    if kind == "LineString":
        parts.append(_("a line on the map"))
    elif kind == "Polygon":
        parts.append(_("an area on the map"))
    elif contribution.is_located:
        parts.append(_("a point on the map"))
    return " · ".join(parts)


def _back(request) -> str:
    """Back to the queue page the moderator came from; never to another site (an open redirect)."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return reverse("participation_moderation")
    return back


def _contribution_or_404(request, pk: int):
    """The contribution, if it exists (else 404) and belongs to a consultation the moderator manages (else 403)."""
    contribution = selectors.contribution_by_id(pk=pk)
    if contribution is None:
        raise Http404
    require_permission(request, PERMISSION, contribution)
    return contribution


@require_POST
@staff_view(PERMISSION)
def moderate(request, pk: int):
    """Approve, restore or (with a reason) hide one contribution."""
    contribution = _contribution_or_404(request, pk)
    try:
        services.moderate_contribution(
            moderator=request.user,
            contribution=contribution,
            state=request.POST.get("state", ""),
            reason=request.POST.get("reason", ""),
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Contribution updated."))
    return redirect(_back(request))


@staff_view(PERMISSION)
def hide(request, pk: int):
    """The confirmation step of hiding one contribution: the whole text, the flags, and the reason to give."""
    contribution = _contribution_or_404(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderate_contribution(
                moderator=request.user,
                contribution=contribution,
                state=ModerationState.HIDDEN,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(request, _("The contribution is hidden. Its author sees the reason."))
            return redirect(_back(request))
    context = {
        "page_title": _("Hide a contribution"),
        "header_title": _("Hide a contribution"),
        "header_icon": "comment",
        "contributions": [contribution],
        "form": form,
        "action_url": reverse("participation_moderation_hide", args=[pk]),
        "next": _back(request),
        "breadcrumbs_items": _breadcrumbs(_("Hide a contribution")),
    }
    return TemplateResponse(request, "participation/admin/moderation_hide.html", context, status=_status(request, form))


@require_POST
@staff_view(PERMISSION)
def bulk(request):
    """One decision for the rows chosen: approve at once; hide after a confirmation step with a reason."""
    ids = [value for value in request.POST.getlist("contributions") if value.isdigit() and len(value) <= 18]
    action = request.POST.get("action", "")
    if not ids:
        messages.error(request, _("Please choose at least one contribution."))
        return redirect(_back(request))
    scope = _scope(request.user)
    if scope is not None and selectors.outside_scope(contribution_ids=[int(value) for value in ids], scope=scope):
        raise PermissionDenied  # another site's contribution among the rows: nothing is done
    if action == ModerationState.HIDDEN and not request.POST.get("confirmed"):
        return _confirm_bulk_hide(request, ids, ReasonForm(initial={"reason": request.POST.get("reason", "")}))
    form = ReasonForm(request.POST) if action == ModerationState.HIDDEN else None
    if form is not None and not form.is_valid():
        return _confirm_bulk_hide(request, ids, form)
    try:
        decisions = services.moderate_contributions(
            moderator=request.user,
            contribution_ids=[int(value) for value in ids],
            state=action,
            reason=form.cleaned_data["reason"] if form else "",
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext("%(count)d contribution updated.", "%(count)d contributions updated.", len(decisions))
            % {"count": len(decisions)},
        )
    return redirect(_back(request))


def _confirm_bulk_hide(request, ids: list[str], form: ReasonForm):
    queue = selectors.moderation_queue(QueueFilters(tab="", scope=_scope(request.user)))
    contributions = list(queue.filter(pk__in=[int(value) for value in ids])[:ROWS_PER_PAGE])
    title = ngettext("Hide %(count)d contribution", "Hide %(count)d contributions", len(contributions)) % {
        "count": len(contributions)
    }
    context = {
        "page_title": title,
        "header_title": title,
        "header_icon": "comment",
        "contributions": contributions,
        "form": form,
        "bulk": True,
        "action_url": reverse("participation_moderation_bulk"),
        "next": _back(request),
        "breadcrumbs_items": _breadcrumbs(title),
    }
    status = 400 if form.is_bound and form.errors else 200
    return TemplateResponse(request, "participation/admin/moderation_hide.html", context, status=status)


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def _breadcrumbs(title: str) -> list[dict]:
    return [
        {"url": reverse("wagtailadmin_home"), "label": _("Home")},
        {"url": reverse("participation_moderation"), "label": _("Moderation")},
        {"url": "", "label": title},
    ]


class ModeratorMailForm(forms.Form):
    """A moderator's choice in their account settings: a mail when contributions wait (at most one an hour)."""

    mail_when_waiting = forms.BooleanField(
        label=gettext_lazy("Mail me when contributions wait for review"),
        help_text=gettext_lazy("At most one mail per hour and consultation, to your account's address."),
        required=False,
    )

    def __init__(self, *args, instance=None, **kwargs):
        self.user = instance
        super().__init__(*args, initial={"mail_when_waiting": selectors.mail_when_waiting(user=instance)}, **kwargs)

    def save(self):
        services.set_moderator_settings(user=self.user, mail_when_waiting=self.cleaned_data["mail_when_waiting"])
