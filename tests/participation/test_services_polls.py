"""Live polls: the presenter's actions, and one answer per participant and round, counted by the database."""

import pytest

from participation import selectors, services
from participation.errors import InvalidInput, NotAllowed, PhaseClosed
from participation.models import Channel, PollAnswer, PollChoice, PollKind, PollState, ResultsRevision
from tests.support import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def consultation(home):
    return factories.consultation("participate")


def poll(presenter, consultation, kind=PollKind.SINGLE, options=("Ja", "Nein", "Weiß nicht"), **fields):
    made = services.add_poll(
        presenter=presenter,
        consultation=consultation,
        question="Soll der Platz autofrei werden?",
        kind=kind,
        options=options if kind in (PollKind.SINGLE, PollKind.MULTIPLE) else (),
        **fields,
    )
    return services.set_poll_state(presenter=presenter, poll=made, state=PollState.OPEN)


def option_ids(made):
    return [option["id"] for option in selectors.poll_options(poll=made)]


def counts(made):
    return [option["count"] for option in selectors.poll_results(poll=made)["options"]]


def test_only_moderators_prepare_and_run_polls(consultation, citizen, moderator):
    with pytest.raises(NotAllowed, match="Only moderators"):
        services.add_poll(presenter=citizen, consultation=consultation, question="?", options=["a", "b"])

    made = poll(moderator, consultation)

    for action in (
        lambda: services.set_poll_state(presenter=citizen, poll=made, state=PollState.CLOSED),
        lambda: services.reveal_poll(presenter=citizen, poll=made),
        lambda: services.reset_poll(presenter=citizen, poll=made),
    ):
        with pytest.raises(NotAllowed):
            action()


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        (PollKind.SINGLE, ["nur eine"], "between 2 and 12"),
        (PollKind.SINGLE, ["a", "a"], "label of its own"),
        (PollKind.SCALE, ["a", "b"], "Only single and multiple"),
        ("ranking", [], "Unknown kind"),
    ],
)
def test_a_poll_is_refused_with_a_message_when_its_options_do_not_fit(consultation, moderator, kind, options, message):
    with pytest.raises(InvalidInput, match=message):
        services.add_poll(presenter=moderator, consultation=consultation, question="Frage", kind=kind, options=options)


def test_a_phone_answers_once_and_may_change_its_mind(consultation, moderator):
    made = poll(moderator, consultation)
    phone = factories.device()
    yes, no, _unsure = option_ids(made)

    services.answer_poll(participant=phone, poll=made, channel=Channel.PHONE, options=yes)
    services.answer_poll(participant=phone, poll=made, channel=Channel.PHONE, options=[no])

    assert counts(made) == [0, 1, 0]
    assert PollAnswer.objects.filter(poll=made).count() == 1
    assert selectors.answered(poll=made, participant=phone)["options"] == [no]


def test_a_prepared_or_closed_poll_takes_no_answers(consultation, moderator):
    prepared = services.add_poll(presenter=moderator, consultation=consultation, question="?", options=["a", "b"])
    phone = factories.device()
    with pytest.raises(PhaseClosed, match="not open"):
        services.answer_poll(participant=phone, poll=prepared, channel=Channel.PHONE, options=option_ids(prepared)[0])

    made = poll(moderator, consultation)
    services.set_poll_state(presenter=moderator, poll=made, state=PollState.CLOSED)
    with pytest.raises(PhaseClosed):
        services.answer_poll(participant=phone, poll=made, channel=Channel.PHONE, options=option_ids(made)[0])


def test_a_visitor_without_an_account_or_a_room_phone_cannot_answer(consultation, moderator, client):
    from django.contrib.auth.models import AnonymousUser

    made = poll(moderator, consultation)
    with pytest.raises(NotAllowed, match="log in"):
        services.answer_poll(
            participant=AnonymousUser(), poll=made, channel=Channel.ONLINE, options=option_ids(made)[0]
        )


def test_multiple_choice_keeps_to_its_maximum(consultation, moderator):
    made = poll(moderator, consultation, kind=PollKind.MULTIPLE, options=["a", "b", "c", "d"], max_choices=2)
    phone = factories.device()
    a, b, c, _d = option_ids(made)

    with pytest.raises(InvalidInput, match="at most 2"):
        services.answer_poll(participant=phone, poll=made, channel=Channel.PHONE, options=[a, b, c])
    services.answer_poll(participant=phone, poll=made, channel=Channel.PHONE, options=[a, c, a])

    assert counts(made) == [1, 0, 1, 0]
    assert selectors.poll_results(poll=made)["participants"] == 1


@pytest.mark.parametrize("bad", [[999999], ["1"], [True], None, []])
def test_an_option_of_another_poll_or_no_option_is_refused(consultation, moderator, bad):
    made = poll(moderator, consultation)
    with pytest.raises(InvalidInput):
        services.answer_poll(participant=factories.device(), poll=made, channel=Channel.PHONE, options=bad)
    assert PollAnswer.objects.count() == 0


def test_a_scale_counts_its_distribution_and_average(consultation, moderator):
    made = poll(moderator, consultation, kind=PollKind.SCALE)
    for value in (5, 4, 4, "2"):
        services.answer_poll(participant=factories.device(), poll=made, channel=Channel.PHONE, value=value)
    with pytest.raises(InvalidInput, match="1 to 5"):
        services.answer_poll(participant=factories.device(), poll=made, channel=Channel.PHONE, value=6)

    results = selectors.poll_results(poll=made)
    assert [row["count"] for row in results["scale"]] == [0, 1, 0, 2, 1]
    assert [row["share"] for row in results["scale"]] == [0, 25, 0, 50, 25]
    assert results["average"] == 3.75


def test_a_word_cloud_counts_the_same_word_however_it_was_typed(consultation, moderator):
    made = poll(moderator, consultation, kind=PollKind.WORDS)
    for text in ("Bäume", " bäume ", "BÄUME", "Bänke"):
        services.answer_poll(participant=factories.device(), poll=made, channel=Channel.PHONE, text=text)
    with pytest.raises(InvalidInput):
        services.answer_poll(participant=factories.device(), poll=made, channel=Channel.PHONE, text="x" * 41)

    results = selectors.poll_results(poll=made)
    assert results["words"] == [
        {"text": "bäume", "count": 3, "share": 75},
        {"text": "bänke", "count": 1, "share": 25},
    ]
    assert results["marks"] == 4


def test_a_reset_keeps_the_old_answers_and_counts_from_zero(consultation, moderator):
    made = poll(moderator, consultation)
    phone = factories.device()
    yes = option_ids(made)[0]
    services.answer_poll(participant=phone, poll=made, channel=Channel.PHONE, options=yes)
    services.reveal_poll(presenter=moderator, poll=made)

    made = services.reset_poll(presenter=moderator, poll=made)

    assert counts(made) == [0, 0, 0]
    assert made.revealed is False, "a new round starts hidden"
    assert PollAnswer.objects.filter(poll=made, round=1).count() == 1, "the old round is kept"
    services.answer_poll(participant=phone, poll=made, channel=Channel.PHONE, options=yes)
    assert counts(made) == [1, 0, 0]


def test_results_stay_hidden_until_revealed_unless_the_poll_says_otherwise(consultation, moderator):
    hidden = poll(moderator, consultation)
    live = poll(moderator, consultation, results_hidden=False)

    assert hidden.results_visible is False
    assert live.results_visible is True
    assert services.reveal_poll(presenter=moderator, poll=hidden).results_visible is True
    assert services.reveal_poll(presenter=moderator, poll=hidden, revealed=False).results_visible is False


def test_every_answer_and_presenter_action_bumps_the_results_revision(consultation, moderator):
    made = poll(moderator, consultation)
    before = ResultsRevision.objects.get(consultation=consultation).value

    services.answer_poll(participant=factories.device(), poll=made, channel=Channel.PHONE, options=option_ids(made)[0])
    services.reveal_poll(presenter=moderator, poll=made)
    services.set_poll_state(presenter=moderator, poll=made, state=PollState.CLOSED)

    assert ResultsRevision.objects.get(consultation=consultation).value == before + 3


def test_an_account_counts_once_whether_it_answers_online_or_on_a_phone(consultation, moderator, citizen):
    made = poll(moderator, consultation)
    yes, no, _ = option_ids(made)
    services.answer_poll(participant=citizen, poll=made, channel=Channel.ONLINE, options=yes)
    services.answer_poll(participant=citizen, poll=made, channel=Channel.PHONE, options=no)

    results = selectors.poll_results(poll=made)
    assert [o["count"] for o in results["options"]] == [0, 1, 0]
    assert results["options"][1]["by_channel"][Channel.PHONE] == 1, "the latest answer counts, from where it came"
    assert PollChoice.objects.count() == 1


def test_audience_questions_wait_for_a_moderator_and_are_upvoted_once(consultation, moderator):
    made = poll(moderator, consultation, kind=PollKind.QUESTIONS)
    asker, backer = factories.device(), factories.device()
    question = services.ask_question(participant=asker, poll=made, text="Wann beginnt der Bau?", channel=Channel.PHONE)

    assert selectors.shown_questions(poll=made) == []
    assert selectors.questions_waiting(poll=made) == 1
    with pytest.raises(InvalidInput, match="not shown"):
        services.upvote_question(participant=backer, question=question)

    services.moderate_question(moderator=moderator, question=question, state="approved")
    assert services.upvote_question(participant=backer, question=question) is True
    assert services.upvote_question(participant=backer, question=question) is False
    services.answer_question_now(presenter=moderator, question=question, poll=made)

    assert selectors.shown_questions(poll=made) == [
        {"id": question.pk, "text": "Wann beginnt der Bau?", "upvotes": 1, "being_answered": True}
    ]
    services.moderate_question(moderator=moderator, question=question, state="hidden")
    assert selectors.shown_questions(poll=made) == []


def test_questions_go_to_a_question_round_only(consultation, moderator):
    made = poll(moderator, consultation)
    with pytest.raises(PhaseClosed, match="question round"):
        services.ask_question(participant=factories.device(), poll=made, text="Frage?", channel=Channel.PHONE)
    with pytest.raises(InvalidInput, match="question form"):
        questions = poll(moderator, consultation, kind=PollKind.QUESTIONS)
        services.answer_poll(participant=factories.device(), poll=questions, channel=Channel.PHONE, text="Frage?")
