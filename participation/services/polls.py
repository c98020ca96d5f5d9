"""Live polls: moderators prepare, open, close, reveal and reset them; participants answer once per round."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.errors import InvalidInput, PhaseClosed
from participation.models import (
    SCALE_VALUES,
    WORD_ANSWER_MAX_LENGTH,
    Channel,
    ConsultationPage,
    ModerationState,
    Participant,
    Poll,
    PollAnswer,
    PollChoice,
    PollKind,
    PollOption,
    PollState,
    Question,
    Upvote,
)
from participation.models.polls import QUESTION_MAX_LENGTH
from participation.numerals import ascii_number, is_id
from participation.rules import require
from participation.services.participants import participant_of
from participation.services.results import publish_after_commit
from participation.services.texts import clean_text

MAX_OPTIONS = 12
ROOM_CHANNELS = (Channel.ONLINE, Channel.PHONE, Channel.TERMINAL)


@transaction.atomic
def add_poll(
    *,
    presenter,
    consultation: ConsultationPage,
    question: str,
    kind: str = PollKind.SINGLE,
    options: Sequence[str] = (),
    max_choices: int = 1,
    results_hidden: bool = True,
) -> Poll:
    """A poll prepared beforehand or made on the spot; it opens when the presenter opens it."""
    require("participation.present", presenter)
    if kind not in PollKind.values:
        raise InvalidInput(_("Unknown kind of poll."), field="kind")
    question = clean_text(question, limit=Poll._meta.get_field("question").max_length)
    labels = [clean_text(label, limit=PollOption._meta.get_field("label").max_length) for label in options if label]
    if kind in (PollKind.SINGLE, PollKind.MULTIPLE):
        if not 2 <= len(labels) <= MAX_OPTIONS:
            raise InvalidInput(
                _("A poll with options needs between 2 and %(most)d of them.") % {"most": MAX_OPTIONS}, field="options"
            )
        if len(set(labels)) != len(labels):
            raise InvalidInput(_("Every option needs a label of its own."), field="options")
    elif labels:
        raise InvalidInput(_("Only single and multiple choice polls have options."), field="options")
    if kind != PollKind.MULTIPLE:
        max_choices = 1
    elif not 1 <= max_choices <= len(labels):
        raise InvalidInput(_("The most choices must lie between 1 and the number of options."), field="max_choices")
    position = Poll.objects.filter(consultation=consultation).count()
    poll = Poll.objects.create(
        consultation=consultation,
        question=question,
        kind=kind,
        max_choices=max_choices,
        results_hidden=results_hidden,
        position=position,
    )
    PollOption.objects.bulk_create(
        PollOption(poll=poll, label=label, position=index) for index, label in enumerate(labels)
    )
    return poll


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update().select_related("consultation").get(pk=poll.pk)


@transaction.atomic
def set_poll_state(*, presenter, poll: Poll, state: str) -> Poll:
    """Open or close a poll (a closed one can be opened again); screens and phones follow live."""
    require("participation.present", presenter)
    if state not in PollState.values or state == PollState.PREPARED:
        raise InvalidInput(_("A poll can be opened or closed."), field="state")
    poll = _locked(poll)
    if poll.state != state:
        poll.state = state
        poll.save(update_fields=["state"])
        publish_after_commit(poll.consultation_id)
    return poll


@transaction.atomic
def reveal_poll(*, presenter, poll: Poll, revealed: bool = True) -> Poll:
    """Show a poll's results on screens and phones, or hide them again."""
    require("participation.present", presenter)
    poll = _locked(poll)
    if poll.revealed != revealed:
        poll.revealed = revealed
        poll.save(update_fields=["revealed"])
        publish_after_commit(poll.consultation_id)
    return poll


@transaction.atomic
def reset_poll(*, presenter, poll: Poll) -> Poll:
    """Start a new round: the old answers stay in the database, marked by their round, and stop counting."""
    require("participation.present", presenter)
    poll = _locked(poll)
    poll.round += 1
    poll.revealed = False
    poll.save(update_fields=["round", "revealed"])
    publish_after_commit(poll.consultation_id)
    return poll


def _checked_options(poll: Poll, options: Sequence[int] | int | None) -> list[int]:
    if options is None or options == []:
        raise InvalidInput(_("Please choose an option."), field="option")
    chosen = options if isinstance(options, list | tuple) else [options]
    if not all(map(is_id, chosen)):  # a number beyond 64 bits would make the database fail, not find nothing
        raise InvalidInput(_("Please choose from the options shown."), field="option")
    chosen = list(dict.fromkeys(chosen))
    if len(chosen) > poll.max_choices:
        if poll.max_choices == 1:
            raise InvalidInput(_("Please choose one option."), field="option")
        raise InvalidInput(_("Please choose at most %(most)d options.") % {"most": poll.max_choices}, field="option")
    known = set(PollOption.objects.filter(poll=poll, pk__in=chosen).values_list("pk", flat=True))
    if known != set(chosen):
        raise InvalidInput(_("Please choose from the options shown."), field="option")
    return chosen


def _checked_value(value) -> int:
    if isinstance(value, str):
        value = ascii_number(value)
    if not isinstance(value, int) or isinstance(value, bool) or value not in SCALE_VALUES:
        raise InvalidInput(_("Please choose a value from 1 to 5."), field="value")
    return value


def _checked_words(text) -> str:
    if not isinstance(text, str):
        raise InvalidInput(_("Please write a short answer."), field="text")
    # A word cloud counts the same answer however it was typed.
    return " ".join(clean_text(text, limit=WORD_ANSWER_MAX_LENGTH).split()).lower()


@transaction.atomic
def answer_poll(
    *,
    participant,
    poll: Poll,
    channel: str,
    options: Sequence[int] | int | None = None,
    value: int | None = None,
    text: str | None = None,
) -> PollAnswer:
    """Record or change a participant's answer in the poll's current round; counted once, however often sent.

    One upsert on (poll, round, participant): two tabs, a retried request or
    ten threads of one phone end in one answer, the latest. Returns the answer as
    written: a changed answer's stored ``created_at`` stays that of its first version.
    """
    poll = Poll.objects.select_related("consultation").get(pk=poll.pk)
    require("participation.answer_poll", participant, poll)
    if channel not in ROOM_CHANNELS:
        raise InvalidInput(_("Paper answers are entered as counts."), field="channel")
    fields = {"value": None, "text": ""}
    chosen: list[int] = []
    if poll.kind in (PollKind.SINGLE, PollKind.MULTIPLE):
        chosen = _checked_options(poll, options)
    elif poll.kind == PollKind.SCALE:
        fields["value"] = _checked_value(value)
    elif poll.kind == PollKind.WORDS:
        fields["text"] = _checked_words(text)
    else:
        raise InvalidInput(_("Please send your question with the question form."), field="text")
    participant: Participant = participant_of(participant)
    now = timezone.now()
    [answer] = PollAnswer.objects.bulk_create(
        [
            PollAnswer(
                poll=poll,
                round=poll.round,
                participant=participant,
                channel=channel,
                created_at=now,
                updated_at=now,
                **fields,
            )
        ],
        update_conflicts=True,
        unique_fields=["poll", "round", "participant"],
        update_fields=["channel", "value", "text", "updated_at"],
    )
    if answer.pk is None:  # engines that return no ids from an upsert
        answer = PollAnswer.objects.get(poll=poll, round=poll.round, participant=participant)
    # The upsert holds the answer's row lock until the commit: its choices are replaced by one writer at a time.
    if poll.has_options:
        PollChoice.objects.filter(answer=answer).delete()
        PollChoice.objects.bulk_create(PollChoice(answer=answer, option_id=pk) for pk in chosen)
    publish_after_commit(poll.consultation_id)
    return answer


@transaction.atomic
def ask_question(*, participant, poll: Poll, text: str, channel: str) -> Question:
    """An audience question for an open question round; it waits for a moderator before anyone sees it."""
    poll = Poll.objects.select_related("consultation").get(pk=poll.pk)
    require("participation.answer_poll", participant, poll)
    if poll.kind != PollKind.QUESTIONS:
        raise PhaseClosed(_("Questions are taken only while a question round is open."))
    if channel not in ROOM_CHANNELS:
        raise InvalidInput(_("Unknown channel."), field="channel")
    text = clean_text(text, limit=QUESTION_MAX_LENGTH)
    question = Question.objects.create(poll=poll, participant=participant_of(participant), channel=channel, text=text)
    # The presenter's console counts what waits.
    publish_after_commit(poll.consultation_id)
    return question


@transaction.atomic
def upvote_question(*, participant, question: Question) -> bool:
    """Back a shown question; once per participant. True if this upvote is new."""
    question = Question.objects.select_related("poll__consultation").get(pk=question.pk)
    require("participation.answer_poll", participant, question.poll)
    if question.moderation_state != ModerationState.APPROVED:
        raise InvalidInput(_("This question is not shown."), field="question")
    participant = participant_of(participant)
    new = not Upvote.objects.filter(question=question, participant=participant).exists()
    # The unique constraint keeps a racing second upvote out.
    Upvote.objects.bulk_create([Upvote(question=question, participant=participant)], ignore_conflicts=True)
    if new:
        publish_after_commit(question.poll.consultation_id)
    return new


@transaction.atomic
def moderate_question(*, moderator, question: Question, state: str) -> Question:
    """Approve a question for the screens and phones, or hide it; it is never deleted."""
    require("participation.moderate", moderator)
    if state not in ModerationState.values:
        raise InvalidInput(_("Unknown moderation state."), field="state")
    question = Question.objects.select_for_update().select_related("poll").get(pk=question.pk)
    changes = {"moderation_state": state}
    if state != ModerationState.APPROVED:
        changes["being_answered"] = False
    Question.objects.filter(pk=question.pk).update(**changes)
    publish_after_commit(question.poll.consultation_id)
    question.refresh_from_db()
    return question


@transaction.atomic
def answer_question_now(*, presenter, question: Question | None, poll: Poll) -> Question | None:
    """Mark the question being answered (one per round at a time), or none."""
    require("participation.present", presenter)
    poll = _locked(poll)
    Question.objects.filter(poll=poll, being_answered=True).update(being_answered=False)
    if question is not None:
        updated = Question.objects.filter(pk=question.pk, poll=poll, moderation_state=ModerationState.APPROVED).update(
            being_answered=True
        )
        if not updated:
            raise InvalidInput(_("Only an approved question of this round can be answered."), field="question")
        question.refresh_from_db()
    publish_after_commit(poll.consultation_id)
    return question
