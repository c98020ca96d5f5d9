"""Paper counted in: staff type in what came on dot-voting boards and ballot cards, and transcribe postcards.

Append-only: an entry is never changed. A correction is a new entry that
supersedes the old one, which stays for the audit trail; totals count only
the entries nobody has superseded.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from participation.errors import InvalidInput
from participation.models import (
    RATING_VALUES,
    SCALE_VALUES,
    AnalogCount,
    AnalogEntry,
    Channel,
    ConsultationPage,
    Contribution,
    ModerationState,
    Poll,
    PollKind,
    PollOption,
    ProposalPage,
    VoteChoice,
    VotingMethod,
)
from participation.numerals import ascii_number
from participation.rules import require
from participation.selectors import consultation_of
from participation.services.results import publish_after_commit
from participation.services.texts import clean_text

# Beyond any room: a typo that adds digits is refused rather than counted.
MAX_PAPER_COUNT = 100_000


def _checked_count(key, count) -> int:
    if isinstance(count, str):
        count = ascii_number(count, digits=len(str(MAX_PAPER_COUNT)))
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= MAX_PAPER_COUNT:
        raise InvalidInput(
            _("Please enter a whole number from 0 to %(most)d for each field.") % {"most": MAX_PAPER_COUNT},
            field=str(key),
        )
    return count


def _proposal_counts(counts: dict, *, method: str) -> list[AnalogCount]:
    if method == VotingMethod.RATING:  # a rating from 1 to 5: how many marked each value
        by_key = {_number(key): count for key, count in counts.items()}
        if not set(by_key) <= set(RATING_VALUES):
            raise InvalidInput(_("Please count the values 1 to 5 only."), field="counts")
        return [AnalogCount(value=value, count=_checked_count(value, by_key.get(value, 0))) for value in RATING_VALUES]
    unknown = set(counts) - set(VoteChoice.values)
    if unknown:
        raise InvalidInput(_("Please count support, oppose and abstain only."), field="counts")
    return [
        AnalogCount(choice=choice, count=_checked_count(choice, counts.get(choice, 0))) for choice in VoteChoice.values
    ]


def _poll_counts(poll: Poll, counts: dict) -> list[AnalogCount]:
    if poll.has_options:
        options = set(PollOption.objects.filter(poll=poll).values_list("pk", flat=True))
        by_key = {_number(key): count for key, count in counts.items()}
        if not set(by_key) <= options:
            raise InvalidInput(_("Please count the options of this poll only."), field="counts")
        return [AnalogCount(option_id=pk, count=_checked_count(pk, by_key.get(pk, 0))) for pk in sorted(options)]
    if poll.kind == PollKind.SCALE:
        by_key = {_number(key): count for key, count in counts.items()}
        if not set(by_key) <= set(SCALE_VALUES):
            raise InvalidInput(_("Please count the values 1 to 5 only."), field="counts")
        return [AnalogCount(value=value, count=_checked_count(value, by_key.get(value, 0))) for value in SCALE_VALUES]
    raise InvalidInput(_("Only polls with options or a scale can be counted on paper."), field="poll")


def _number(key):
    """A count's key as a number where it is one ("7" or 7: an option's id, a value of the scale), else as sent."""
    number = ascii_number(key) if isinstance(key, str) else key
    return key if number is None else number


def _sheet_photo(clerk, upload: UploadedFile, *, title: str):
    """The photo of a sheet as an image of Wagtail's library (staff find it there; no one else sees it)."""
    image = get_image_model()(title=title[:255], file=upload, uploaded_by_user=clerk)
    image._set_image_file_metadata()  # size and hash, as Wagtail's own upload does
    image.save()
    return image


@transaction.atomic
def enter_paper_counts(
    *,
    clerk,
    event: str,
    source: str,
    counts: dict,
    proposal: ProposalPage | None = None,
    poll: Poll | None = None,
    note: str = "",
    photo=None,
    photo_file: UploadedFile | None = None,
    corrects: AnalogEntry | None = None,
) -> AnalogEntry:
    """Type in one sheet's counts for a proposal (``{"support": 12, ...}``, or ``{1: 3, ..., 5: 9}`` where its
    consultation rates from 1 to 5) or a poll (``{option_id: 7, ...}``,
    or ``{1: 3, ..., 5: 9}`` for a scale); every field of the sheet, zero where nobody marked.

    With ``corrects``, the new entry replaces that one in every total; the old one stays, superseded.
    ``photo`` is an image of the library; ``photo_file`` an upload (checked by the form's image field)
    that becomes one, stored only once the counts are accepted.
    """
    require("participation.enter_paper", clerk)
    if (proposal is None) == (poll is None):
        raise InvalidInput(_("Please choose a proposal or a poll."), field="proposal")
    event = clean_text(event, limit=AnalogEntry._meta.get_field("event").max_length)
    source = clean_text(source, limit=AnalogEntry._meta.get_field("source").max_length)
    if proposal is not None:
        consultation = consultation_of(proposal)
        rows = _proposal_counts(counts, method=consultation.voting_method)
    else:
        consultation = poll.consultation
        rows = _poll_counts(poll, counts)
    if corrects is not None:
        corrects = AnalogEntry.objects.select_for_update().get(pk=corrects.pk)
        if corrects.proposal_id != (proposal.pk if proposal else None) or corrects.poll_id != (
            poll.pk if poll else None
        ):
            raise InvalidInput(_("A correction must count the same proposal or poll."), field="corrects")
        if AnalogEntry.objects.filter(supersedes=corrects).exists():
            raise InvalidInput(_("This entry has been corrected already; correct the newest one."), field="corrects")
    if photo_file is not None:
        photo = _sheet_photo(clerk, photo_file, title=f"{source} ({event})")
    try:
        with transaction.atomic():
            entry = AnalogEntry.objects.create(
                consultation=consultation,
                proposal=proposal,
                poll=poll,
                event=event,
                source=source,
                note=(note or "").strip(),
                photo=photo,
                entered_by=clerk,
                supersedes=corrects,
            )
    except IntegrityError as error:  # another clerk corrected the same entry a moment earlier
        raise InvalidInput(
            _("This entry has been corrected already; correct the newest one."), field="corrects"
        ) from error
    for row in rows:
        row.entry = entry
    AnalogCount.objects.bulk_create(rows)
    publish_after_commit(consultation.pk)
    return entry


@transaction.atomic
def transcribe_postcard(
    *,
    clerk,
    consultation: ConsultationPage,
    text: str,
    source: str,
    proposal: ProposalPage | None = None,
) -> Contribution:
    """A postcard's text, typed in by staff: a contribution with channel "on paper", published at once.

    It names no author (the card had none we keep); ``source`` says where it came from.
    """
    require("participation.enter_paper", clerk)
    if proposal is not None and not proposal.path.startswith(consultation.path):
        raise InvalidInput(_("This proposal belongs to another consultation."), field="proposal")
    contribution = Contribution.objects.create(
        consultation=consultation,
        proposal=proposal,
        channel=Channel.ANALOG,
        text=clean_text(text),
        paper_source=clean_text(source, limit=Contribution._meta.get_field("paper_source").max_length),
        entered_by=clerk,
        moderation_state=ModerationState.APPROVED,
    )
    publish_after_commit(consultation.pk)
    return contribution
