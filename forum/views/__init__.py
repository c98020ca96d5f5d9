"""Views of the forum room and of the site as a whole, one module per topic."""

from forum.views.kiosk import kiosk, kiosk_snapshot
from forum.views.site import healthz, rate_limited

__all__ = ["healthz", "kiosk", "kiosk_snapshot", "rate_limited"]
