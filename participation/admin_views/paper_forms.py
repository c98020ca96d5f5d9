"""The forms of paper entry: one number field per thing a sheet counts, and a postcard."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.images.fields import WagtailImageField

from participation.models import SCALE_VALUES, AnalogEntry, Poll, ProposalPage, RatingValue, VoteChoice, VotingMethod
from participation.services.analog import MAX_PAPER_COUNT

PREFIX = "count_"


def sheet_rows(
    *, proposal: ProposalPage | None = None, poll: Poll | None = None, method: str = VotingMethod.SUPPORT_OPPOSE
) -> list[tuple[str, str]]:
    """What a sheet counts, as (key, label): the three choices of a proposal (or, in a consultation ``method``
    rates, the values 1 to 5), a poll's options or scale values."""
    if proposal is not None and method == VotingMethod.RATING:
        return [(str(value.value), str(value.label)) for value in RatingValue]
    if proposal is not None:
        return [(choice.value, str(choice.label)) for choice in VoteChoice]
    if poll.has_options:
        return [(str(option.pk), option.label) for option in poll.options.all()]
    return [(str(value), str(value)) for value in SCALE_VALUES]


class SheetForm(forms.Form):
    """One sheet: its counts (empty means nobody marked it), where and when it was, a photo if there is one."""

    event = forms.CharField(
        label=_("Event"), max_length=200, help_text=_("e.g. 'Bürgerforum, 12 November'"), strip=True
    )
    source = forms.CharField(label=_("Source"), max_length=200, help_text=_("e.g. 'Pin board in the foyer'"))
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rows: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        # Made here, not on the class: Wagtail's field reads its size limit and writes its help once, when made.
        self.fields["photo"] = WagtailImageField(
            label=_("Photo of the sheet (optional)"),
            required=False,
            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        self.rows = rows
        for key, label in rows:
            self.fields[PREFIX + key] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=MAX_PAPER_COUNT,
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_PAPER_COUNT, "inputmode": "numeric"}),
                error_messages={
                    "invalid": _("Please enter a whole number, such as 12."),
                    "min_value": _("A count cannot be negative."),
                    "max_value": _("At most %(limit_value)s: please check this number."),
                },
            )

    def count_fields(self):
        return [self[PREFIX + key] for key, _label in self.rows]

    def clean(self):
        cleaned = super().clean()
        keys = [PREFIX + key for key, _label in self.rows]
        if not self.errors and all(cleaned.get(key) is None for key in keys):
            raise forms.ValidationError(
                gettext("Nothing was entered. Please enter the counts of the sheet (0 where nobody marked).")
            )
        return cleaned

    def counts(self) -> dict[str, int]:
        return {key: self.cleaned_data[PREFIX + key] or 0 for key, _label in self.rows}

    @classmethod
    def initial_from(cls, entry: AnalogEntry) -> dict:
        """A correction starts from what the entry said."""
        initial = {"event": entry.event, "source": entry.source, "note": entry.note}
        for count in entry.counts.all():
            key = count.choice or str(count.option_id or count.value)
            initial[PREFIX + key] = count.count
        return initial


class PostcardForm(forms.Form):
    text = forms.CharField(label=_("Text of the postcard"), widget=forms.Textarea(attrs={"rows": 4}))
    source = forms.CharField(label=_("Source"), max_length=200, help_text=_("e.g. 'Postcard box in the foyer'"))
    proposal = forms.ModelChoiceField(
        label=_("About the proposal (optional)"), queryset=None, required=False, empty_label=_("The whole consultation")
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals
