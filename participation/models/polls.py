"""Live polls of a consultation: prepared or made on the spot, answered in the room and counted with paper."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models.contributions import Channel, ModerationState
from participation.models.pages import ConsultationPage
from participation.models.participants import Participant

SCALE_VALUES = range(1, 6)
WORD_ANSWER_MAX_LENGTH = 40


class PollKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    SCALE = "scale", _("scale from 1 to 5")
    WORDS = "words", _("short answer (word cloud)")
    QUESTIONS = "questions", _("questions from the audience")


class PollState(models.TextChoices):
    PREPARED = "prepared", _("prepared")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Poll(models.Model):
    """A question put to the room. Its answers count per round: a reset starts a new round and keeps the old one."""

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="polls", verbose_name=_("consultation")
    )
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=PollKind.choices, default=PollKind.SINGLE)
    max_choices = models.PositiveSmallIntegerField(
        _("most choices"), default=1, help_text=_("For multiple choice: how many options one person may tick.")
    )
    state = models.CharField(_("state"), max_length=10, choices=PollState.choices, default=PollState.PREPARED)
    results_hidden = models.BooleanField(
        _("hide results until revealed"),
        default=True,
        help_text=_("Screens and phones show the results only after the presenter reveals them."),
    )
    revealed = models.BooleanField(_("results revealed"), default=False)
    round = models.PositiveIntegerField(_("round"), default=1)
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=PollKind.values), name="poll_kind_is_known"),
            models.CheckConstraint(condition=models.Q(max_choices__gte=1), name="poll_allows_one_choice_at_least"),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def has_options(self) -> bool:
        return self.kind in (PollKind.SINGLE, PollKind.MULTIPLE)

    @property
    def results_visible(self) -> bool:
        return self.revealed or not self.results_hidden


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options", verbose_name=_("poll"))
    label = models.CharField(_("label"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class PollAnswer(models.Model):
    """One participant's answer in one round of a poll: the options ticked, a value on the scale or a short text."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    round = models.PositiveIntegerField()
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="poll_answers")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    value = models.PositiveSmallIntegerField(_("value"), null=True, blank=True)
    text = models.CharField(_("text"), max_length=WORD_ANSWER_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "round", "participant"], name="one_answer_per_participant_and_round"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="poll_answer_value_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}/{self.round}: {self.participant_id}"


class PollChoice(models.Model):
    """An option ticked in an answer: one row per option, so counts are database counts."""

    answer = models.ForeignKey(PollAnswer, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "option"], name="option_ticked_once_per_answer")]

    def __str__(self) -> str:
        return f"{self.answer_id}: {self.option_id}"


QUESTION_MAX_LENGTH = 300


class Question(models.Model):
    """An audience question sent from a phone to a question round; shown once a moderator approves it."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions", verbose_name=_("poll"))
    participant = models.ForeignKey(Participant, on_delete=models.SET_NULL, null=True, related_name="questions")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    text = models.CharField(_("text"), max_length=QUESTION_MAX_LENGTH)
    moderation_state = models.CharField(
        _("moderation state"), max_length=10, choices=ModerationState.choices, default=ModerationState.PENDING
    )
    being_answered = models.BooleanField(_("being answered"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("audience question")
        verbose_name_plural = _("audience questions")
        ordering = ["created_at", "id"]
        constraints = [
            # One question at a time is on the presenter's desk.
            models.UniqueConstraint(
                fields=["poll"], condition=models.Q(being_answered=True), name="one_question_answered_at_a_time"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Upvote(models.Model):
    """A participant backs an audience question; once."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="upvotes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="upvotes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "participant"], name="one_upvote_per_participant")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.participant_id}"
