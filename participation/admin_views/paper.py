"""Paper entry in the Wagtail admin: staff type in the counts of a sheet (one number field per choice,
option or scale value) and transcribe postcards; the audit trail shows every entry, corrections and
the entries they superseded included. A correction is a new entry made from the old one's numbers."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation import selectors, services
from participation.admin_views.base import StaffView, require_permission
from participation.admin_views.paper_forms import PREFIX, PostcardForm, SheetForm, sheet_rows
from participation.errors import ServiceError
from participation.models import PollKind
from participation.numerals import ascii_number

PERMISSION = "participation.enter_paper"
ENTRIES_PER_PAGE = 25


def countable(poll) -> bool:
    return poll.has_options or poll.kind == PollKind.SCALE


def consultation_or_404(request, pk: int):
    """A published consultation (else 404) of the clerk's site (else 403), asked after the permission alone (a
    visitor learns nothing of which consultations exist)."""
    require_permission(request, PERMISSION)
    consultation = selectors.published_consultation(pk=pk)
    if consultation is None:
        raise Http404
    require_permission(request, PERMISSION, consultation)
    return consultation


def counted_as(count) -> str:
    if count.choice:
        return count.get_choice_display()
    return count.option.label if count.option_id else str(count.value)


class PaperIndexView(StaffView):
    permission = PERMISSION
    template_name = "participation/admin/paper_index.html"
    page_title = gettext_lazy("Paper entries")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["consultations"] = selectors.managed_published_consultations(user=self.request.user)
        return context


class PaperPage(StaffView):
    """A page of one consultation's paper entry, under the index in the breadcrumbs."""

    permission = PERMISSION
    header_icon = "doc-full"

    def dispatch(self, request, *args, **kwargs):
        self.consultation = consultation_or_404(request, kwargs["consultation"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("participation_paper"), "label": _("Paper entries")},
            {"url": "", "label": self.get_page_title()},
        ]


class PaperConsultationView(PaperPage):
    """The sheets to count, the postcard form and the audit trail of one consultation."""

    template_name = "participation/admin/paper_consultation.html"

    def get_page_title(self):
        return _("Paper: %(title)s") % {"title": self.consultation.title}

    def get_context_data(self, postcard_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        consultation = self.consultation
        proposals = selectors.proposals_of(consultation)
        page = Paginator(selectors.paper_entries(consultation_id=consultation.pk), ENTRIES_PER_PAGE).get_page(
            self.request.GET.get("p")
        )
        context.update(
            {
                "consultation": consultation,
                "proposals": proposals,
                "polls": [p for p in selectors.polls_of(consultation_id=consultation.pk) if countable(p)],
                "entries": page,
                "trail": [(entry, _trail_row(entry)) for entry in page],
                "postcards": selectors.paper_postcards(consultation_id=consultation.pk)[:50],
                "postcard_form": postcard_form or PostcardForm(proposals=proposals),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        """A postcard, transcribed: a contribution on paper, published at once (staff typed it)."""
        form = PostcardForm(request.POST, proposals=selectors.proposals_of(self.consultation))
        if form.is_valid():
            try:
                services.transcribe_postcard(clerk=request.user, consultation=self.consultation, **form.cleaned_data)
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("The postcard is entered."))
                return redirect(reverse("participation_paper_consultation", args=[self.consultation.pk]) + "#postcards")
        return self.render_to_response(self.get_context_data(postcard_form=form), status=400)


def _trail_row(entry) -> dict:
    corrected_by = getattr(entry, "superseded_by", None)  # a reverse one-to-one: absent raises, hence getattr
    return {
        "counts": [(counted_as(count), count.count) for count in entry.counts.all()],
        "corrected_by": corrected_by,
        "subject": entry.proposal.title if entry.proposal_id else entry.poll.question,
        "correct_url": None if corrected_by else _sheet_url(entry.consultation_id, entry) + f"?corrects={entry.pk}",
    }


def _sheet_url(consultation_id: int, entry=None, *, proposal=None, poll=None) -> str:
    if entry is not None:
        proposal, poll = entry.proposal, entry.poll
    if proposal is not None:
        return reverse("participation_paper_proposal", args=[consultation_id, proposal.pk])
    return reverse("participation_paper_poll", args=[consultation_id, poll.pk])


def _field_of(form: SheetForm, name: str | None) -> str | None:
    """The form's field a service's refusal names (a count is named by its choice, option or value)."""
    for candidate in (name, f"{PREFIX}{name}"):
        if candidate in form.fields:
            return candidate
    return None


class SheetView(PaperPage):
    """One sheet's counts for a proposal or a poll; with ``?corrects=<entry>``, a correction of that entry."""

    template_name = "participation/admin/paper_sheet.html"

    def dispatch(self, request, *args, **kwargs):
        consultation = consultation_or_404(request, kwargs["consultation"])
        self.proposal = self.poll = None
        if "proposal" in kwargs:
            self.proposal = (
                selectors.published_proposals(consultation_id=consultation.pk).filter(pk=kwargs["proposal"]).first()
            )
            if self.proposal is None:
                raise Http404
        else:
            self.poll = selectors.poll_by_id(pk=kwargs["poll"])
            if self.poll is None or self.poll.consultation_id != consultation.pk or not countable(self.poll):
                raise Http404
        self.corrects = self._corrected_entry(request.GET.get("corrects") or request.POST.get("corrects"))
        return super().dispatch(request, *args, **kwargs)

    def _corrected_entry(self, value):
        if not value:
            return None
        pk = ascii_number(value)
        entry = selectors.paper_entry(pk=pk) if pk else None
        if (
            entry is None
            or entry.proposal_id != getattr(self.proposal, "pk", None)
            or entry.poll_id != getattr(self.poll, "pk", None)
        ):
            raise Http404
        return entry

    def get_page_title(self):
        subject = self.proposal.title if self.proposal else self.poll.question
        if self.corrects:
            return _("Correct the paper count: %(subject)s") % {"subject": subject}
        return _("Paper count: %(subject)s") % {"subject": subject}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("participation_paper"), "label": _("Paper entries")},
            {
                "url": reverse("participation_paper_consultation", args=[self.consultation.pk]),
                "label": self.consultation.title,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def form(self, data=None, files=None) -> SheetForm:
        rows = sheet_rows(proposal=self.proposal, poll=self.poll, method=self.consultation.voting_method)
        if data is not None:
            return SheetForm(data, files, rows=rows)
        if self.corrects is not None:
            return SheetForm(rows=rows, initial=SheetForm.initial_from(self.corrects))
        latest = selectors.paper_entries(consultation_id=self.consultation.pk).first()
        return SheetForm(rows=rows, initial={"event": latest.event, "source": latest.source} if latest else {})

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"form": form or self.form(), "corrects": self.corrects, "consultation": self.consultation})
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.enter_paper_counts(
                    clerk=request.user,
                    event=data["event"],
                    source=data["source"],
                    note=data["note"],
                    counts=form.counts(),
                    proposal=self.proposal,
                    poll=self.poll,
                    photo_file=data["photo"] or None,
                    corrects=self.corrects,
                )
            except ServiceError as error:
                form.add_error(_field_of(form, error.field), error.message)
            else:
                message = (
                    _("The correction is saved; the old entry stays in the audit trail.")
                    if self.corrects
                    else _("The counts are entered.")
                )
                messages.success(request, message)
                url = reverse("participation_paper_consultation", args=[self.consultation.pk])
                return redirect(f"{url}#entry-{entry.pk}")
        return self.render_to_response(self.get_context_data(form=form), status=400)
