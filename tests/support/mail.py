"""Mail backends for tests: a mail server that refuses."""

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every mail (as an unreachable one does)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server refused")
