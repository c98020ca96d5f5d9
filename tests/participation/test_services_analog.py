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
