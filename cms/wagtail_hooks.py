from wagtail import hooks

from cms.models import HomePage, StandardPage
from participation import page_cache, selectors


def _no_change(moment):
    return None


@hooks.register("on_serve_page")
def website_pages_kept(serve):
    """The home page and standard pages rendered for visitors without a session are kept for the next ones
    (``participation.page_cache``). The home page lists the open consultations with their phases: it stands
    until the next phase date of any consultation; a standard page shows only what staff wrote."""

    def serve_page(page, request, args, kwargs):
        if isinstance(page, HomePage):
            next_change = selectors.next_phase_date
        elif isinstance(page, StandardPage):
            next_change = _no_change
        else:
            return serve(page, request, args, kwargs)
        return page_cache.rendered_and_kept(
            request, serve=lambda: serve(page, request, args, kwargs), consultation_id=None, next_change=next_change
        )

    return serve_page
