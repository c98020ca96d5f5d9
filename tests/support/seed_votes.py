"""Run as ``python -m tests.support.seed_votes PROPOSALS CITIZENS`` on another database (DATABASE_URL): a consultation
in its vote phase with PROPOSALS proposals and CITIZENS logged-in citizens; prints what a test needs as JSON
(``{"proposals": [ids], "sessions": [session keys], "users": [ids]}``).

For a server on a database that is not the test run's own (tests/support/postgres.py): the test's ORM cannot
reach it, so the data is made by the same factories in a process of its own. Sessions are only valid for a
server with the same SECRET_KEY.
"""

from __future__ import annotations

import json
import os
import sys


def main(proposals: int, citizens: int) -> dict:
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    from tests.support import factories

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as the tests hash: fast
    with transaction.atomic():
        consultation = factories.consultation("vote")
        made = [factories.proposal(consultation, title=f"Vorschlag {n}") for n in range(proposals)]
        sessions = []
        users = []
        for user in factories.citizens(citizens):
            users.append(user.pk)
            client = Client()
            client.force_login(user)
            sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return {"proposals": [p.pk for p in made], "sessions": sessions, "users": users}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")
    import django

    django.setup()
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
