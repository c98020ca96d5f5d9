from wagtail import hooks

from cms.models import HomePage
from participation import page_cache, selectors


@hooks.register("on_serve_page")
def home_page_from_the_cache(serve):
    """The home page, for visitors without a session, as rendered a moment ago (``participation.page_cache``):
    it lists the open consultations with their phases, so the phases' clock is its state."""

    def serve_page(page, request, args, kwargs):
        if not isinstance(page, HomePage):
            return serve(page, request, args, kwargs)
        return page_cache.cached_response(
            request,
            page,
            state=lambda: (selectors.phase_clock(),),
            serve=lambda: serve(page, request, args, kwargs),
        )

    return serve_page
