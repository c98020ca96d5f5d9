"""What ``screen_token`` and ``terminal_token`` share: a device's new token, printed as the address carrying it."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from forum import selectors, services


class DeviceTokenCommand(BaseCommand):
    kind = ""  # "screen" or "terminal"

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help=f"the {self.kind}'s slug, as in its address")

    def handle(self, *args, slug: str, **options) -> None:
        device = selectors.device_of(kind=self.kind, slug=slug)
        if device is None:
            raise CommandError(f"There is no {self.kind} with the slug {slug!r}. Staff set devices up in the admin.")
        token = services.issue_device_token(device=device)  # the operator at the server: no issuer to check
        url = selectors.device_token_url(device, token)
        self.stdout.write(url)
        notes = [f"New key for {self.kind} {device.slug!r} ({device.name}); the old one no longer works."]
        if not device.is_active:
            notes.append(f"The {self.kind} is retired: activate it in the admin before it can connect.")
        notes.append("Open the address once on the device; the key is shown only now and stored only as a digest.")
        self.stderr.write("\n".join(notes))
