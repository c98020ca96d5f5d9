from wagtail import hooks

from cms.models import HomePage
from participation import page_cache, selectors


@hooks.register("on_serve_page")
def home_page_kept(serve):
    """The home page rendered for visitors without a session is kept for the next ones
    (``participation.page_cache``): it lists the open consultations with their phases, so it stands until the
    next phase date of any consultation."""

    def serve_page(page, request, args, kwargs):
        if not isinstance(page, HomePage):
            return serve(page, request, args, kwargs)
        return page_cache.rendered_and_kept(
            request,
            serve=lambda: serve(page, request, args, kwargs),
            consultation_id=None,
            next_change=selectors.next_phase_date,
        )

    return serve_page
