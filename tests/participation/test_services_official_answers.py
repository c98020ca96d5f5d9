"""The city's official answer to a contribution: written by moderators and editors in the admin, shown highlighted
under the contribution on its page, in the JSON API and the export; who wrote and who last changed it is kept."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from participation import selectors, services
from participation.errors import InvalidInput, NotAllowed
from participation.models import OfficialAnswer
from tests.support import factories


@pytest.fixture
def comment(citizen, participating_consultation):
    return services.post_contribution(author=citizen, consultation=participating_consultation, text="Mehr Bänke")


@pytest.fixture
def editor(db):
    user = factories.CitizenFactory(username="redakteurin")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def _admin_client(user) -> Client:
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_moderator_answers_and_it_is_returned(moderator, comment):
    answer = services.answer_contribution(staff=moderator, contribution=comment, text="  Wir prüfen das.  ")

    assert isinstance(answer, OfficialAnswer)
    assert (answer.contribution_id, answer.text, answer.author, answer.updated_by) == (
        comment.pk,
        "Wir prüfen das.",
        moderator,
        moderator,
    )
    assert not answer.was_changed


def test_changing_the_answer_keeps_who_wrote_it_first(moderator, editor, comment, monkeypatch):
    first = services.answer_contribution(staff=moderator, contribution=comment, text="Wir prüfen das.")
    later = first.created_at + dt.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    changed = services.answer_contribution(staff=editor, contribution=comment, text="Die Bänke kommen im Mai.")

    assert changed.pk == first.pk and OfficialAnswer.objects.count() == 1
    assert (changed.author, changed.created_at) == (moderator, first.created_at)
    assert (changed.updated_by, changed.updated_at, changed.text) == (editor, later, "Die Bänke kommen im Mai.")
    assert changed.was_changed


def test_only_staff_who_answer_for_the_city_may(comment, citizen, english):
    for nobody in (citizen, factories.CitizenFactory(is_staff=True)):
        with pytest.raises(NotAllowed, match=r"^Only moderators and editors can answer for the city\.$"):
            services.answer_contribution(staff=nobody, contribution=comment, text="Ich antworte für die Stadt")
    assert not OfficialAnswer.objects.exists()


def test_the_answer_is_checked_like_any_text(moderator, comment):
    with pytest.raises(InvalidInput):
        services.answer_contribution(staff=moderator, contribution=comment, text="   ")


def test_the_answer_is_on_the_page_and_in_the_api(moderator, comment):
    before = selectors.results_revision(consultation_id=comment.consultation_id)
    services.answer_contribution(staff=moderator, contribution=comment, text="Die Bänke kommen im Mai.")
    assert selectors.results_revision(consultation_id=comment.consultation_id) > before  # cached lists move on

    http = Client(HTTP_ACCEPT_LANGUAGE="de")
    page = http.get(comment.consultation.url).content.decode()
    block = page.split('class="official-answer"', 1)[1].split("</div>", 1)[0]
    assert '<h3 class="official-answer__label">Stellungnahme der Stadt</h3>' in block
    assert "Die Bänke kommen im Mai." in block

    (item,) = http.get(f"/api/v1/contributions/?consultation={comment.consultation_id}").json()["results"]
    assert item["official_answer"]["text"] == "Die Bänke kommen im Mai."
    assert item["official_answer"]["answered_at"]


def test_the_comment_list_reads_answers_without_a_query_per_comment(
    moderator, participating_consultation, django_assert_num_queries
):
    comments = factories.bulk_comments(
        participating_consultation, 6, author=factories.CitizenFactory(), replies_every=2
    )
    for comment in comments[:3]:
        services.answer_contribution(staff=moderator, contribution=comment, text=f"Antwort auf {comment.pk}")
    threads = selectors.comment_threads(consultation=participating_consultation)
    with django_assert_num_queries(2):  # the threads, their replies
        answers = [getattr(thread, "official_answer", None) for thread in threads]
        replies = [reply.text for thread in threads for reply in thread.visible_replies]
    assert [answer.text if answer else None for answer in answers] == [
        *(f"Antwort auf {comment.pk}" for comment in comments[:3]),
        None,
        None,
        None,
    ]
    assert len(replies) == 6


def test_moderators_and_editors_answer_in_the_admin(moderator, editor, comment):
    for staff, text in ((moderator, "Wir prüfen das."), (editor, "Die Bänke kommen im Mai.")):
        client = _admin_client(staff)
        form = client.get(f"/admin/participation/contributions/{comment.pk}/answer/")
        assert form.status_code == 200 and "Mehr Bänke" in form.content.decode()
        response = client.post(
            f"/admin/participation/contributions/{comment.pk}/answer/", {"text": text, "next": "/admin/moderation/"}
        )
        assert (response.status_code, response.url) == (302, "/admin/moderation/")
    answer = OfficialAnswer.objects.get(contribution=comment)
    assert (answer.text, answer.author, answer.updated_by) == ("Die Bänke kommen im Mai.", moderator, editor)
    shown = _admin_client(moderator).get(f"/admin/participation/contributions/{comment.pk}/answer/").content.decode()
    assert "Answered by moderator" in shown and "Last changed by redakteurin" in shown


def test_an_empty_answer_in_the_admin_is_a_400_with_the_form(moderator, comment):
    response = _admin_client(moderator).post(f"/admin/participation/contributions/{comment.pk}/answer/", {"text": ""})
    assert response.status_code == 400
    assert not OfficialAnswer.objects.exists()


def test_the_moderation_queue_links_each_contribution_to_its_answer(moderator, comment):
    queue = _admin_client(moderator).get("/admin/moderation/?state=approved").content.decode()
    assert f"/admin/participation/contributions/{comment.pk}/answer/?next=" in queue


def test_citizens_cannot_open_the_admin_view(citizen, comment):
    client = _admin_client(citizen)
    assert client.get(f"/admin/participation/contributions/{comment.pk}/answer/").url == "/admin/"
    assert client.post(f"/admin/participation/contributions/{comment.pk}/answer/", {"text": "Ha"}).url == "/admin/"
    assert not OfficialAnswer.objects.exists()
