"""The city's answer to a contribution, written in the admin by staff who answer for it (moderators, editors)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation import selectors, services
from participation.admin_views.base import StaffView
from participation.errors import ServiceError
from participation.services.official_answers import ANSWER_MAX_LENGTH


class OfficialAnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Official answer of the city"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Shown highlighted under the contribution on the public pages and in the open data."),
    )


class OfficialAnswerView(StaffView):
    permission = "participation.answer_officially"
    template_name = "participation/admin/official_answer.html"
    page_title = gettext_lazy("Official answer")
    header_icon = "comment"

    def dispatch(self, request, *args, **kwargs):
        self.contribution = selectors.contribution_by_id(pk=kwargs["pk"])
        if self.contribution is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self, **kwargs):
        return self.contribution  # staff answer for their own site's consultations only

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        answer = selectors.official_answer_of(contribution=self.contribution)
        form = kwargs.get("form") or OfficialAnswerForm(initial={"text": answer.text if answer else ""})
        context.update(
            {"contribution": self.contribution, "answer": answer, "form": form, "next": self._next(self.request)}
        )
        return context

    def _next(self, request) -> str:
        back = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return ""
        return back

    def post(self, request, *args, **kwargs):
        form = OfficialAnswerForm(request.POST)
        if form.is_valid():
            try:
                services.answer_contribution(
                    staff=request.user, contribution=self.contribution, text=form.cleaned_data["text"]
                )
            except ServiceError as error:
                form.add_error("text", error.message)
            else:
                messages.success(request, _("The official answer has been saved."))
                back = self._next(request)
                return redirect(back) if back else redirect("participation_answer", pk=self.contribution.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
