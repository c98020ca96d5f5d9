"""An export in a real browser: a moderator picks the format with the keyboard, the job page follows the
export (job-progress.js) to its end and offers the download, which is the file; axe-core checks both pages.

The server here runs without a broker (the embedded default): the export runs on a thread of the server
process, as on a laptop; test_tasks.py runs one in a real worker on Redis.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.support import factories
from tests.support.browser import PageAudit, close_session, open_session, outside_event_loop, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_moderator_exports_with_the_keyboard_and_downloads_the_file(request, browser, embedded_server, demo):
    session = open_session(browser, embedded_server.url, language="en")
    try:
        client = Client()
        client.force_login(outside_event_loop(factories.presenter))
        cookie = client.cookies["sessionid"].value
        session.context.add_cookies([{"name": "sessionid", "value": cookie, "url": embedded_server.url}])
        page = session.context.new_page()
        audit = PageAudit()

        page.goto(f"/admin/exports/{demo.consultation.pk}/")
        xlsx = page.get_by_label("Excel workbook (XLSX), one sheet per kind")
        expect(xlsx).to_be_checked()
        audit.check(page, "export form")
        xlsx.focus()
        page.keyboard.press("ArrowDown")
        expect(page.get_by_label("CSV files, one per kind, in a ZIP archive")).to_be_checked()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Export")).to_be_focused()
        page.keyboard.press("Enter")

        expect(page).to_have_url(re.compile(r"/admin/exports/job/\d+/$"))
        expect(page.locator("[data-job-progress-result]")).to_have_text("The export is ready", timeout=60_000)
        expect(page.locator("[data-job-progress-numbers]")).to_contain_text(re.compile(r"(\d+) of \1 rows \(100 %\)"))
        audit.check(page, "export job")
        screenshot(page, "export-ready")
        with page.expect_download() as downloaded:
            page.get_by_role("link", name="Download").click()
        download = downloaded.value
        assert re.fullmatch(r"export-platz-am-wasser-\d{4}-\d\d-\d\d\.zip", download.suggested_filename)
        with zipfile.ZipFile(download.path()) as archive:
            assert archive.namelist() == ["contributions.csv", "votes.csv", "polls.csv", "paper.csv"]
        audit.assert_clean()
    finally:
        failed = getattr(request.node, "e2e_failed", False)
        close_session(session, failed_test=request.node.name if failed else None)
