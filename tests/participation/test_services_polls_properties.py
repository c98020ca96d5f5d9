"""Poll answers, polls and paper entries with generated input (participation.services): each is written whole
or refused with InvalidInput and a message, and a refusal leaves every table as it was (one transaction)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from participation import services
from participation.errors import InvalidInput
from participation.models import Channel, PollKind, PollState
from tests.support import factories
from tests.support.properties import rolled_back, row_counts, scalars, tried

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

EXAMPLES = 40

sent = scalars | st.lists(scalars, max_size=4)


@pytest.fixture
def polls(moderator):
    """One open poll of each kind that takes answers (the options of those with options known by id)."""
    consultation = factories.consultation("participate")
    made = {}
    for kind in (PollKind.SINGLE, PollKind.MULTIPLE, PollKind.SCALE, PollKind.WORDS):
        poll = services.add_poll(
            presenter=moderator,
            consultation=consultation,
            question=f"{kind}?",
            kind=kind,
            options=("Ja", "Nein", "Weiß nicht") if kind in (PollKind.SINGLE, PollKind.MULTIPLE) else (),
            max_choices=2 if kind == PollKind.MULTIPLE else 1,
        )
        made[kind] = services.set_poll_state(presenter=moderator, poll=poll, state=PollState.OPEN)
    return made


def _written_or_refused(write) -> bool:
    """True if ``write`` wrote; else it was refused with a message and nothing changed."""
    before = row_counts()
    with rolled_back():
        try:
            write()
        except InvalidInput as error:
            assert error.message and error.field
            assert row_counts() == before
            return False
    return True


@settings(max_examples=EXAMPLES)
@given(
    kind=st.sampled_from([PollKind.SINGLE, PollKind.MULTIPLE, PollKind.SCALE, PollKind.WORDS]),
    answer=sent,
    pick=st.data(),
)
@example(kind=PollKind.SINGLE, answer=2**70, pick=None)
@example(kind=PollKind.SCALE, answer="²", pick=None)
@example(kind=PollKind.WORDS, answer="\x00", pick=None)
@example(kind=PollKind.MULTIPLE, answer=[True, False], pick=None)
def test_answer_poll(polls, kind, answer, pick):
    tried("services.answer_poll")
    poll = polls[kind]
    option_ids = list(poll.options.values_list("pk", flat=True))
    if pick is not None and option_ids and pick.draw(st.booleans()):  # real option ids, some of them twice
        answer = pick.draw(st.lists(st.sampled_from(option_ids), min_size=1, max_size=3))
    device = factories.device()
    arguments = (
        {"options": answer} if poll.has_options else {"value": answer} if kind == PollKind.SCALE else {"text": answer}
    )
    _written_or_refused(lambda: services.answer_poll(participant=device, poll=poll, channel=Channel.PHONE, **arguments))


@settings(max_examples=EXAMPLES)
@given(
    question=st.text(max_size=30),
    kind=st.sampled_from(PollKind.values) | st.text(max_size=6),
    options=st.lists(st.text(max_size=12) | st.sampled_from(["Ja", "Ja ", "\x00", "x" * 300]), max_size=5),
    max_choices=st.integers(-3, 8) | st.just(2**70),
)
@example(question="?", kind=PollKind.MULTIPLE, options=["Ja", "Nein"], max_choices=2**70)
def test_add_poll(moderator, question, kind, options, max_choices):
    tried("services.add_poll")
    consultation = factories.consultation("participate")
    _written_or_refused(
        lambda: services.add_poll(
            presenter=moderator,
            consultation=consultation,
            question=question,
            kind=kind,
            options=options,
            max_choices=max_choices,
        )
    )


count_keys = st.one_of(
    st.sampled_from(["support", "oppose", "abstain", "1", "5", "²", "٣", " 2", "-1", "1" * 5000, ""]),
    st.integers(-3, 2**70),
    st.text(max_size=4),
)


@settings(max_examples=EXAMPLES)
@given(
    on=st.sampled_from(["proposal", PollKind.SINGLE, PollKind.SCALE]),
    counts=st.dictionaries(count_keys, scalars, max_size=4),
    real=st.data(),
)
@example(on=PollKind.SINGLE, counts={"²": 1}, real=None)
@example(on=PollKind.SCALE, counts={"²": 1}, real=None)
@example(on="proposal", counts={"support": "²"}, real=None)
@example(on=PollKind.SINGLE, counts={2**70: 1}, real=None)
def test_enter_paper_counts(moderator, polls, voting_consultation, on, counts, real):
    tried("services.enter_paper_counts")
    target = {"proposal": factories.proposal(voting_consultation)} if on == "proposal" else {"poll": polls[on]}
    if real is not None and on == PollKind.SINGLE and real.draw(st.booleans()):  # the poll's own options
        option_ids = list(polls[on].options.values_list("pk", flat=True))
        counts = real.draw(
            st.dictionaries(st.sampled_from(option_ids).map(real.draw(st.sampled_from([str, int]))), scalars)
        )
    _written_or_refused(
        lambda: services.enter_paper_counts(clerk=moderator, event="Forum", source="Stellwand", counts=counts, **target)
    )


@settings(max_examples=EXAMPLES)
@given(text=st.text(max_size=60) | st.just("x" * 6000), source=st.text(max_size=30))
@example(text="\x00", source="Box")
def test_transcribe_postcard(moderator, participating_consultation, text, source):
    tried("services.transcribe_postcard")
    _written_or_refused(
        lambda: services.transcribe_postcard(
            clerk=moderator, consultation=participating_consultation, text=text, source=source
        )
    )
