"""Paper entry in the admin (participation.admin_views.paper) with generated sheets: every count field, the
event, the source and the entry to correct (``?corrects=``) as a clerk may type them. A sheet is entered (a
redirect) or shown again with its messages, the database as before; never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from participation.models import AnalogEntry
from tests.support import factories
from tests.support.properties import rolled_back, row_counts, tried

pytestmark = pytest.mark.django_db

EXAMPLES = 40
typed = st.one_of(
    st.integers(-5, 200_000).map(str),
    st.text(max_size=8),
    st.sampled_from(["", "²", "٣", "1" * 5000, "12.0", " 7 ", "1e3", "\x00"]),
)


@pytest.fixture
def desk(db) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(factories.staff("clerk", "add_analogentry"))
    return client


@settings(max_examples=EXAMPLES)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "count_support": typed,
            "count_oppose": typed,
            "count_abstain": typed,
            "event": typed,
            "source": typed,
            "note": typed,
        },
    ),
    corrects=st.none() | typed,
)
@example(fields={"count_support": "3", "event": "Forum", "source": "Wand"}, corrects="²")
@example(fields={"count_support": "3", "event": "Forum", "source": "Wand"}, corrects="9" * 19)
@example(fields={"count_support": "²", "event": "Forum", "source": "Wand"}, corrects=None)
def test_a_sheet_as_typed(desk, voting_consultation, fields, corrects):
    tried("admin: paper sheet form")
    proposal = factories.proposal(voting_consultation)
    url = reverse("participation_paper_proposal", args=[voting_consultation.pk, proposal.pk])
    if corrects is not None:
        url += "?" + _query(corrects)
    before = row_counts()
    with rolled_back():
        response = desk.post(url, fields)
        assert response.status_code in (302, 400, 404), response.status_code
        if response.status_code == 302:
            assert AnalogEntry.objects.count() == before["participation.AnalogEntry"] + 1
        else:
            assert row_counts() == before


def _query(corrects: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"corrects": corrects})
