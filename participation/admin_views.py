"""Moderation queue and twin import in the Wagtail admin: thin views over the services."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from participation import services
from participation.errors import ServiceError
from participation.models import Contribution, ModerationState, TwinImportJob
from participation.rules import allows
from participation.selectors import contributions_for_moderation
from participation.twin import jobs


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


# --- Twin import ----------------------------------------------------------------------------


def _require_twin_importer(request) -> None:
    if not allows("participation.import_twin", request.user):
        raise PermissionDenied


class TwinImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Twin file"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(jobs.SUFFIXES)}),
    )
    source = forms.CharField(
        label=gettext_lazy("Source name"),
        required=False,
        max_length=255,
        help_text=gettext_lazy(
            "The dataset's name. Importing under the same name again updates its objects in place. "
            "Empty: the file's name."
        ),
    )
    crs = forms.CharField(
        label=gettext_lazy("Coordinate reference system"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "Leave empty: it is read from the file. Give it (e.g. EPSG:25832) only for a file that names none "
            "or a wrong one."
        ),
    )
    prune = forms.BooleanField(
        label=gettext_lazy("Remove objects of this source that are no longer in the file"),
        required=False,
        help_text=gettext_lazy(
            "Objects that contributions or pages refer to are never removed: the import then stops and names them."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CityGML 2.0 (.gml, .xml; LoD1 and LoD2), CityJSON 1.0 to 2.0 (.city.json, .json) or GeoJSON "
            "(.geojson, .json); at most %(limit)s. The coordinate reference system is read from the file."
        ) % {"limit": filesizeformat(settings.TWIN_IMPORT_MAX_BYTES)}


class TwinImportView(WagtailAdminTemplateMixin, TemplateView):
    """The upload form and the recent imports with their summaries."""

    template_name = "participation/admin/twin_import.html"
    page_title = gettext_lazy("Twin import")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def dispatch(self, request, *args, **kwargs):
        _require_twin_importer(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        recent = [(job, jobs.summary_table(job)) for job in jobs.recent_jobs()]
        context.update({"form": form or TwinImportForm(), "recent": recent})
        return context

    def post(self, request, *args, **kwargs):
        form = TwinImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = jobs.start_twin_import(user=request.user, upload=form.cleaned_data["file"], **_options(form))
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("“%(name)s” is uploaded.") % {"name": job.file_name})
                return redirect("participation_twin_import_job", pk=job.pk)
        return self.render_to_response(self.get_context_data(form=form))


def _options(form: TwinImportForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("source", "crs", "prune")}


class TwinImportJobView(WagtailAdminTemplateMixin, TemplateView):
    """One import: its progress while it runs (the page polls the status view), then its summary or error."""

    template_name = "participation/admin/twin_import_job.html"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        _require_twin_importer(request)
        self.job = get_object_or_404(TwinImportJob.objects.select_related("started_by"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Twin import: %(name)s") % {"name": self.job.file_name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse_lazy("participation_twin_import"), "label": _("Twin import")},
            {"url": "", "label": self.job.file_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {"job": self.job, "table": jobs.summary_table(self.job), "progress_text": jobs.progress_text(self.job)}
        )
        return context


@never_cache
@require_GET
def twin_import_status(request, pk: int):
    _require_twin_importer(request)
    return JsonResponse(jobs.status_of(get_object_or_404(TwinImportJob, pk=pk)))
