"""The console's forms: opening a room session and a poll made on the spot."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from participation import selectors as participation_selectors
from participation.models import Poll, PollKind
from participation.services.polls import MAX_OPTIONS


class OpenRoomForm(forms.Form):
    consultation = forms.ModelChoiceField(
        label=_("Consultation"), queryset=None, empty_label=_("Choose a published consultation")
    )
    title = forms.CharField(
        label=_("Event (optional)"),
        required=False,
        max_length=200,
        help_text=_("Shown under the consultation's title on phones, e.g. 'Bürgerforum, 12 November'."),
    )

    def __init__(self, *args, consultations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].queryset = consultations


class DeviceForm(WagtailAdminModelForm):
    """A screen's or terminal's form in the admin: its consultation is one of those the user manages (their
    sites'); another site's is no valid choice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "consultation" in self.fields:
            field = self.fields["consultation"]
            field.queryset = field.queryset.filter(
                pk__in=participation_selectors.consultations_managed_by(user=self.for_user).values("pk")
            )


class PollForm(forms.Form):
    """A poll made on the spot; its options one per line, as people dictate them."""

    question = forms.CharField(label=_("Question"), max_length=Poll._meta.get_field("question").max_length)
    kind = forms.ChoiceField(label=_("Kind"), choices=PollKind.choices, initial=PollKind.SINGLE)
    options = forms.CharField(
        label=_("Options, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    max_choices = forms.IntegerField(
        label=_("Most choices per person"),
        min_value=1,
        max_value=MAX_OPTIONS,
        initial=2,
        required=False,
        help_text=_("For multiple choice only."),
    )
    results_hidden = forms.BooleanField(label=_("Hide results until revealed"), required=False, initial=True)
    show_now = forms.BooleanField(label=_("Show it in the room now and open it"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In the request's language (a lazy string with % would be translated once, at import).
        self.fields["options"].help_text = gettext("For single and multiple choice: 2 to %(most)d options.") % {
            "most": MAX_OPTIONS
        }

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]

    def clean_max_choices(self) -> int:
        return self.cleaned_data["max_choices"] or 1
