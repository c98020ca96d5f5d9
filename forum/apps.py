from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum room")

    def ready(self) -> None:
        # The room's permissions join participation's table; its frame and presence join the live path.
        from forum import rules  # noqa: F401
        from forum.live import report_presence, room_frames
        from participation.live import publisher

        publisher.add_builder(room_frames)
        publisher.add_heartbeat_hook(report_presence)
