"""Moderation in a real browser: a moderator opens the queue's "Flagged" tab, reads the report, hides the
contribution with a reason after the confirmation step; the public page with the "Report" control and the report
form pass axe-core, and the author sees the reason beside their hidden comment."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from participation import services
from participation.models import Contribution, FlagReason, ModerationDecision, ModerationState
from tests.support import factories
from tests.support.browser import PageAudit, screenshot, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TEXT = "Wer hier Bänke will, ist ein Vollpfosten und sollte wegziehen."


def test_a_moderator_hides_a_flagged_contribution_with_a_reason(context, log_in, demo):
    author = factories.CitizenFactory(username="poltergeist")
    comment = factories.comment(demo.consultation, text=TEXT, author=author)
    services.flag_contribution(
        user=factories.CitizenFactory(username="melderin"),
        contribution=comment,
        reason=FlagReason.INSULT,
        note="Das ist eine Beleidigung.",
    )
    audit = PageAudit()
    page = context.new_page()

    # The public page: "Report" beside every comment, reachable by keyboard, passes axe.
    visit(page, demo.consultation.url)
    report = page.locator(f"#comment-{comment.pk} a.comment__flag")
    expect(report).to_have_text("Report")
    expect(report).to_have_attribute("aria-label", "Report the contribution by poltergeist")
    audit.check(page, "consultation page with the report control")
    log_in(factories.CitizenFactory(username="nachbarin"))
    report.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Report a contribution")).to_be_visible()
    expect(page.get_by_role("group", name="Why should moderators look at it?")).to_be_visible()
    page.wait_for_load_state("load")
    audit.check(page, "report form")
    # She sends it: through the server, as every report comes (which also tells the admin menu's count).
    page.get_by_role("radio", name=re.compile("Spam", re.I)).check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Thank you. Our moderators will look at this contribution.")).to_be_visible()

    # The moderator: the queue, the flagged tab, the report and its reason, then hide with a reason.
    log_in(factories.presenter("moderatorin"))
    page.goto("/admin/moderation/?tab=flagged")
    row = page.locator(f"#moderation-{comment.pk}")
    expect(row).to_contain_text("Insult, threat or hate")
    expect(row).to_contain_text("Das ist eine Beleidigung.")
    expect(page.get_by_role("link", name="Moderation (1)")).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 900})
    path = screenshot(page, "moderation-queue")
    shutil.copy(path, "/tmp/moderation-queue.png")
    audit.check(page, "moderation queue")

    row.get_by_role("link", name="Hide…").click()
    expect(page.get_by_role("heading", name="Hide a contribution")).to_be_visible()
    reason = page.get_by_label("Reason (the author sees it)")
    expect(reason).to_have_attribute("required", "")  # the browser asks for it; the server refuses without it too
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.APPROVED
    reason.fill("Beleidigung anderer Teilnehmender.")
    page.get_by_role("button", name="Hide").click()
    expect(page.get_by_text("The contribution is hidden.")).to_be_visible()
    assert Contribution.objects.get(pk=comment.pk).moderation_state == ModerationState.HIDDEN
    decision = ModerationDecision.objects.get(contribution=comment)
    assert (decision.action, decision.reason) == ("hide", "Beleidigung anderer Teilnehmender.")

    # The author sees the reason beside the hidden comment; the public page no longer shows it.
    log_in(author)
    visit(page, demo.consultation.url)
    hidden = page.get_by_role("region", name="Your comments hidden by moderation")
    expect(hidden).to_contain_text(TEXT)
    expect(hidden).to_contain_text("Beleidigung anderer Teilnehmender.")
    audit.check(page, "consultation page with the author's hidden comment")
    audit.assert_clean()
