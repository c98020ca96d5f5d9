"""Twin import in the Wagtail admin: the upload form, one import's progress (polled) and its summary."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from participation import selectors, services
from participation.admin_views.base import StaffView, require_permission, staff_view
from participation.errors import ServiceError
from participation.services.twin_imports import SUFFIXES


class TwinImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Twin file"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
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


class TwinImportView(StaffView):
    """The upload form and the recent imports with their summaries."""

    permission = "participation.import_twin"
    template_name = "participation/admin/twin_import.html"
    page_title = gettext_lazy("Twin import")
    header_icon = "upload"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        recent = [(job, selectors.summary_table(job)) for job in selectors.recent_twin_imports()]
        context.update({"form": form or TwinImportForm(), "recent": recent})
        return context

    def post(self, request, *args, **kwargs):
        form = TwinImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                job = services.start_twin_import(user=request.user, upload=form.cleaned_data["file"], **_options(form))
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("“%(name)s” is uploaded.") % {"name": job.file_name})
                return redirect("participation_twin_import_job", pk=job.pk)
        return self.render_to_response(self.get_context_data(form=form))


def _options(form: TwinImportForm) -> dict:
    return {name: form.cleaned_data[name] for name in ("source", "crs", "prune")}


class TwinImportJobView(StaffView):
    """One import: its progress while it runs (the page polls the status view), then its summary or error."""

    permission = "participation.import_twin"
    template_name = "participation/admin/twin_import_job.html"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        require_permission(request, self.permission)
        self.job = selectors.twin_import(pk=kwargs["pk"])
        if self.job is None:
            raise Http404
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
            {
                "job": self.job,
                "table": selectors.summary_table(self.job),
                "progress_text": selectors.progress_text(self.job),
            }
        )
        return context


@never_cache
@require_GET
@staff_view("participation.import_twin")
def twin_import_status(request, pk: int):
    job = selectors.twin_import(pk=pk)
    if job is None:
        raise Http404
    return JsonResponse(selectors.twin_import_status(job))
