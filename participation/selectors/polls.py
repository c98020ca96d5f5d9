"""Poll results, split by channel and summed, paper included; and the audience questions shown."""

from __future__ import annotations

from django.db.models import Count, Sum

from participation.models import (
    SCALE_VALUES,
    AnalogCount,
    Channel,
    ModerationState,
    Poll,
    PollAnswer,
    PollChoice,
    PollKind,
    PollOption,
    Question,
    Upvote,
)

WORD_CLOUD_SIZE = 60
QUESTIONS_SHOWN = 50


def _by_channel() -> dict[str, int]:
    return dict.fromkeys(Channel.values, 0)


def _paper(poll: Poll):
    return AnalogCount.objects.filter(entry__poll=poll, entry__superseded_by__isnull=True)


def _option_results(poll: Poll) -> list[dict]:
    options = list(PollOption.objects.filter(poll=poll).values("id", "label"))
    counts = {option["id"]: _by_channel() for option in options}
    rows = (
        PollChoice.objects.filter(answer__poll=poll, answer__round=poll.round)
        .values_list("option_id", "answer__channel")
        .annotate(count=Count("id"))
        .order_by()
    )
    for option_id, channel, count in rows:
        counts[option_id][channel] += count
    for option_id, count in _paper(poll).values_list("option_id").annotate(count=Sum("count")).order_by():
        if option_id in counts:
            counts[option_id][Channel.ANALOG] += count
    return [
        {**option, "by_channel": counts[option["id"]], "count": sum(counts[option["id"]].values())}
        for option in options
    ]


def _scale_results(poll: Poll) -> list[dict]:
    counts = {value: _by_channel() for value in SCALE_VALUES}
    rows = (
        PollAnswer.objects.filter(poll=poll, round=poll.round)
        .values_list("value", "channel")
        .annotate(count=Count("id"))
        .order_by()
    )
    for value, channel, count in rows:
        counts[value][channel] += count
    for value, count in _paper(poll).values_list("value").annotate(count=Sum("count")).order_by():
        if value in counts:
            counts[value][Channel.ANALOG] += count
    return [{"value": value, "by_channel": c, "count": sum(c.values())} for value, c in counts.items()]


def _word_results(poll: Poll) -> list[dict]:
    rows = (
        PollAnswer.objects.filter(poll=poll, round=poll.round)
        .values_list("text")
        .annotate(count=Count("id"))
        .order_by("-count", "text")[:WORD_CLOUD_SIZE]
    )
    return [{"text": text, "count": count} for text, count in rows]


def poll_results(*, poll: Poll) -> dict:
    """A poll's results in its current round: per option (or scale value, or word), by channel and summed.

    Two or three queries whatever the number of answers. ``participants``
    counts the answers of this round (paper counts marks, not people: it is
    in the options' counts only).
    """
    answers = PollAnswer.objects.filter(poll=poll, round=poll.round)
    participants = _by_channel()
    for channel, count in answers.values_list("channel").annotate(count=Count("id")).order_by():
        participants[channel] = count
    results: dict = {"participants": sum(participants.values()), "participants_by_channel": participants}
    rows: list[dict] = []
    if poll.has_options:
        rows = results["options"] = _option_results(poll)
    elif poll.kind == PollKind.SCALE:
        rows = results["scale"] = _scale_results(poll)
        marks = sum(row["count"] for row in rows)
        results["average"] = round(sum(row["value"] * row["count"] for row in rows) / marks, 2) if marks else None
    elif poll.kind == PollKind.WORDS:
        rows = results["words"] = _word_results(poll)
    _add_shares(results, rows)
    return results


def _add_shares(results: dict, rows: list[dict]) -> None:
    """Each row's whole-number share of all marks (online, room and paper), so every surface shows the same."""
    results["marks"] = marks = sum(row["count"] for row in rows)
    for row in rows:
        row["share"] = round(100 * row["count"] / marks) if marks else 0


def shown_questions(*, poll: Poll) -> list[dict]:
    """The approved questions of a question round, most upvoted first; the one being answered on top."""
    rows = (
        Question.objects.filter(poll=poll, moderation_state=ModerationState.APPROVED)
        .annotate(backers=Count("upvotes"))
        .order_by("-being_answered", "-backers", "created_at", "id")
        .values("id", "text", "backers", "being_answered")[:QUESTIONS_SHOWN]
    )
    return [
        {"id": r["id"], "text": r["text"], "upvotes": r["backers"], "being_answered": r["being_answered"]} for r in rows
    ]


def upvoted_questions(*, poll: Poll, participant) -> set[int]:
    """The questions of a round this participant backs (to show them as backed)."""
    if participant is None:
        return set()
    return set(
        Upvote.objects.filter(question__poll=poll, participant=participant).values_list("question_id", flat=True)
    )


def questions_waiting(*, poll: Poll) -> int:
    return Question.objects.filter(poll=poll, moderation_state=ModerationState.PENDING).count()


def polls_of(*, consultation_id: int):
    return Poll.objects.filter(consultation_id=consultation_id)


def poll_by_id(*, pk: int) -> Poll | None:
    return Poll.objects.filter(pk=pk).select_related("consultation").first()


def question_by_id(*, pk: int) -> Question | None:
    return Question.objects.filter(pk=pk).select_related("poll").first()


def poll_options(*, poll: Poll) -> list[dict]:
    return list(PollOption.objects.filter(poll=poll).values("id", "label"))


def answered(*, poll: Poll, participant) -> dict | None:
    """What this participant answered in the current round (to show it checked), or None."""
    if participant is None:
        return None
    answer = PollAnswer.objects.filter(poll=poll, round=poll.round, participant=participant).first()
    if answer is None:
        return None
    return {
        "options": list(answer.choices.values_list("option_id", flat=True)),
        "value": answer.value,
        "text": answer.text,
    }
