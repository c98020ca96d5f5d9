"""Forms of the public pages. They only parse input; services validate and decide."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from participation.models import (
    FLAG_NOTE_MAX_LENGTH,
    Delivery,
    FlagReason,
    NotificationKind,
    RatingValue,
    VoteChoice,
    VotingMethod,
)


def _interpolate(message, **values) -> str:
    return str(message) % values


lazy_interpolate = lazy(_interpolate, str)


class JSONField(forms.JSONField):
    """A JSON field that refuses JSON nested too deeply for the parser (a thousand levels) instead of failing
    with a RecursionError, and keeps such input to show again. (What it holds is checked by the services.)"""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except RecursionError:
            raise ValidationError(_("This is nested too deeply to be read."), code="invalid") from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return InvalidJSONInput(data)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        # data-limit, not maxlength: the browser would cut a long paste silently (static/participation/text-limit.js).
        widget=forms.Textarea(attrs={"rows": 5, "data-limit": settings.CONTRIBUTION_MAX_LENGTH}),
        max_length=settings.CONTRIBUTION_MAX_LENGTH,
        # Lazy: the text must follow the language of each request, not of module loading.
        help_text=lazy_interpolate(
            _("Plain text, at most %(limit)d characters."), limit=settings.CONTRIBUTION_MAX_LENGTH
        ),
    )
    proposal = forms.TypedChoiceField(label=_("About"), required=False, coerce=int, empty_value=None)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    # The place, besides the point: a line or area drawn on the map (GeoJSON, map only), and a twin
    # object, picked on the map or from the search below it; the search works without JavaScript.
    geometry = JSONField(required=False, widget=forms.HiddenInput)
    twin_feature = forms.IntegerField(label=_("Object of the twin"), required=False, min_value=1)
    twin_q = forms.CharField(label=_("Search the twin by name, address or id"), required=False, max_length=100)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs.pop("maxlength", None)  # set by CharField; see data-limit above
        choices = [("", _("The consultation as a whole"))] + [(p.pk, p.title) for p in proposals]
        self.fields["proposal"].choices = choices
        if not proposals:
            del self.fields["proposal"]


class VoteForm(forms.Form):
    """A vote by the consultation's method: a choice (support, oppose, abstain), or a rating from 1 to 5."""

    choice = forms.ChoiceField(label=_("Your vote"), choices=VoteChoice.choices, widget=forms.RadioSelect)
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RatingValue.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose a rating from 1 to 5."),
            "invalid_choice": _("Please choose a rating from 1 to 5."),
        },
    )

    def __init__(self, *args, method: str = VotingMethod.SUPPORT_OPPOSE, **kwargs):
        super().__init__(*args, **kwargs)
        self.rated = method == VotingMethod.RATING
        del self.fields["choice" if self.rated else "rating"]

    @property
    def field(self):
        """The one field this form asks for, as the template draws it."""
        return self["rating" if self.rated else "choice"]

    def ballot(self) -> dict:
        """The cleaned vote as ``cast_vote``'s keyword arguments."""
        if self.rated:
            return {"rating": self.cleaned_data["rating"]}
        return {"choice": self.cleaned_data["choice"]}


class FlagForm(forms.Form):
    """A citizen's report of a contribution: a reason from a short list, and a note if they like."""

    reason = forms.ChoiceField(
        label=_("Why should moderators look at it?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note for the moderators (optional)"),
        required=False,
        max_length=FLAG_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=lazy_interpolate(_("At most %(limit)d characters."), limit=FLAG_NOTE_MAX_LENGTH),
    )


class NotificationSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Send me an e-mail when"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delivery = forms.ChoiceField(label=_("How often"), choices=Delivery.choices, widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES)

    @classmethod
    def of(cls, chosen, *, language: str):
        """The form filled in with ``chosen`` (a citizen's settings, or None: nothing on yet)."""
        if chosen is None:
            return cls(initial={"kinds": [], "delivery": Delivery.EACH, "language": language})
        kinds = [kind for kind in NotificationKind.values if chosen.wants(kind)]
        return cls(initial={"kinds": kinds, "delivery": chosen.delivery, "language": chosen.language})
