"""Paper counted in: append-only entries, corrections that supersede, totals that include them, labelled."""

import pytest

from participation import selectors, services
from participation.errors import InvalidInput, NotAllowed
from participation.models import AnalogEntry, Channel, PollKind, PollState
from tests.support import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def proposal(voting_consultation):
    return factories.proposal(voting_consultation)


def enter(clerk, proposal, support, oppose=0, abstain=0, source="Stellwand Foyer", **fields):
    return services.enter_paper_counts(
        clerk=clerk,
        proposal=proposal,
        event="Bürgerforum, 12. November",
        source=source,
        counts={"support": support, "oppose": oppose, "abstain": abstain},
        **fields,
    )


def test_paper_counts_join_the_online_votes_split_by_channel(moderator, citizen, proposal):
    services.cast_vote(voter=citizen, proposal=proposal, choice="support")
    services.cast_vote(voter=factories.device(), proposal=proposal, choice="oppose", channel=Channel.PHONE)
    enter(moderator, proposal, support=12, oppose=3)

    by_channel = selectors.proposal_channel_results(proposal_ids=[proposal.pk])[proposal.pk]
    assert by_channel[Channel.ONLINE] == {"support": 1, "oppose": 0, "abstain": 0}
    assert by_channel[Channel.PHONE] == {"support": 0, "oppose": 1, "abstain": 0}
    assert by_channel[Channel.ANALOG] == {"support": 12, "oppose": 3, "abstain": 0}
    assert selectors.proposal_results(proposal_ids=[proposal.pk])[proposal.pk] == {
        "support": 13,
        "oppose": 4,
        "abstain": 0,
    }


def test_a_correction_supersedes_the_old_entry_which_stays_in_the_audit_trail(moderator, proposal):
    typo = enter(moderator, proposal, support=120)
    fixed = enter(moderator, proposal, support=12, corrects=typo)

    assert selectors.proposal_results(proposal_ids=[proposal.pk])[proposal.pk]["support"] == 12
    trail = list(selectors.paper_entries(consultation_id=fixed.consultation_id))
    assert [entry.pk for entry in trail] == [fixed.pk, typo.pk]
    assert trail[1].superseded_by == fixed and trail[0].supersedes == typo
    assert [c.count for c in trail[1].counts.all()] == [120, 0, 0], "the old numbers are kept as typed"
    assert list(selectors.current_paper_entries(consultation_id=fixed.consultation_id)) == [fixed]


def test_an_entry_can_be_corrected_once_then_its_correction_is_corrected(moderator, proposal):
    first = enter(moderator, proposal, support=5)
    second = enter(moderator, proposal, support=6, corrects=first)

    with pytest.raises(InvalidInput, match="corrected already"):
        enter(moderator, proposal, support=7, corrects=first)
    enter(moderator, proposal, support=7, corrects=second)

    assert selectors.proposal_results(proposal_ids=[proposal.pk])[proposal.pk]["support"] == 7
    assert AnalogEntry.objects.count() == 3


def test_two_sheets_from_two_boards_add_up(moderator, proposal):
    enter(moderator, proposal, support=4)
    enter(moderator, proposal, support=5, source="Stellwand Rathaus")
    assert selectors.proposal_results(proposal_ids=[proposal.pk])[proposal.pk]["support"] == 9


@pytest.mark.parametrize("bad", [-1, 100_001, "drei", 2.5, True])
def test_a_count_that_is_no_whole_number_in_range_is_refused(moderator, proposal, bad):
    with pytest.raises(InvalidInput, match="whole number"):
        enter(moderator, proposal, support=bad)
    assert AnalogEntry.objects.count() == 0


def test_only_staff_who_may_enter_paper_do_so(citizen, proposal):
    with pytest.raises(NotAllowed, match="paper"):
        enter(citizen, proposal, support=1)


def test_an_editor_granted_the_permission_may_enter_paper(proposal):
    from django.contrib.auth.models import Permission

    editor = factories.CitizenFactory(is_staff=True)
    editor.user_permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="add_analogentry")
    )
    assert enter(editor, proposal, support=1).entered_by == editor


def test_a_correction_must_count_the_same_proposal(moderator, voting_consultation, proposal):
    other = factories.proposal(voting_consultation, title="Anderer")
    entry = enter(moderator, proposal, support=1)
    with pytest.raises(InvalidInput, match="same proposal"):
        enter(moderator, other, support=1, corrects=entry)


def test_poll_options_and_scale_values_are_counted_on_paper(moderator, voting_consultation):
    choice = services.add_poll(
        presenter=moderator, consultation=voting_consultation, question="Welche?", options=["Park", "Platz"]
    )
    park, square = (o["id"] for o in selectors.poll_options(poll=choice))
    services.set_poll_state(presenter=moderator, poll=choice, state=PollState.OPEN)
    services.answer_poll(participant=factories.device(), poll=choice, channel=Channel.PHONE, options=park)
    services.enter_paper_counts(
        clerk=moderator, poll=choice, event="Forum", source="Karten", counts={park: 2, square: 7}
    )

    options = selectors.poll_results(poll=choice)["options"]
    assert [(o["count"], o["by_channel"][Channel.ANALOG]) for o in options] == [(3, 2), (7, 7)]

    scale = services.add_poll(
        presenter=moderator, consultation=voting_consultation, question="Wie?", kind=PollKind.SCALE
    )
    services.enter_paper_counts(clerk=moderator, poll=scale, event="Forum", source="Karten", counts={"1": 1, "5": 3})
    results = selectors.poll_results(poll=scale)
    assert [row["count"] for row in results["scale"]] == [1, 0, 0, 0, 3]
    assert results["average"] == 4.0

    with pytest.raises(InvalidInput, match="options of this poll"):
        services.enter_paper_counts(clerk=moderator, poll=choice, event="F", source="K", counts={999: 1})


def test_a_postcard_becomes_a_published_contribution_on_paper(moderator, voting_consultation):
    card = services.transcribe_postcard(
        clerk=moderator, consultation=voting_consultation, text="Mehr Bänke am Ufer!", source="Postkarte, Foyer"
    )
    assert card.channel == Channel.ANALOG and card.author is None and card.entered_by == moderator
    assert list(selectors.public_contributions(consultation_id=voting_consultation.pk)) == [card]


# --- a consultation rated from 1 to 5: the sheet counts each value ---------------------------


def test_paper_counts_per_value_join_the_ratings(moderator, citizen, rated_proposal):
    services.cast_vote(voter=citizen, proposal=rated_proposal, rating=4)

    entry = services.enter_paper_counts(
        clerk=moderator, proposal=rated_proposal, event="Forum", source="Karten", counts={"5": 3, 2: 1}
    )

    assert sorted(entry.counts.values_list("value", "count")) == [(1, 0), (2, 1), (3, 0), (4, 0), (5, 3)]
    tally = selectors.proposal_tallies(proposal_ids=[rated_proposal.pk])[rated_proposal.pk]
    assert tally["rating_by_channel"][Channel.ANALOG]["count"] == 4
    assert tally["rating"] == {"count": 5, "average": 4.2, "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 3}}


@pytest.mark.parametrize("counts", [{"support": 3}, {"6": 1}, {"0": 2}])
def test_a_rated_proposals_sheet_counts_the_values_1_to_5_only(moderator, rated_proposal, counts):
    with pytest.raises(InvalidInput) as refused:
        services.enter_paper_counts(
            clerk=moderator, proposal=rated_proposal, event="Forum", source="Karten", counts=counts
        )

    assert refused.value.message == "Please count the values 1 to 5 only."
    assert not AnalogEntry.objects.exists()


def test_a_support_and_oppose_sheet_takes_no_values(moderator, proposal):
    with pytest.raises(InvalidInput):
        services.enter_paper_counts(clerk=moderator, proposal=proposal, event="Forum", source="Karten", counts={"3": 1})
