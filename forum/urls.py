from django.conf import settings
from django.http import Http404
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from forum import views

# Errors under /api/ as JSON, elsewhere the site's pages (forum.views.site).
handler400 = views.bad_request
handler404 = views.page_not_found
handler500 = views.server_error

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", views.account_overview, name="account"),
    path("accounts/contributions/", views.own_contributions, name="own-contributions"),
    path("accounts/contributions/<id:pk>/edit/", views.edit_own_contribution, name="own-contribution-edit"),
    path("accounts/contributions/<id:pk>/withdraw/", views.withdraw_own_contribution, name="own-contribution-withdraw"),
    path("accounts/data/", views.account_data, name="account-data"),
    path("accounts/delete/", views.account_delete, name="account-delete"),
    *(
        []
        if settings.LOCAL_ACCOUNTS
        else [
            path("accounts/login/", views.login, name="account_login"),
            *(path(f"accounts/{p}", views.local_accounts_closed) for p in ("signup/", "password/reset/", "email/")),
        ]
    ),
    path("accounts/", include("allauth.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/rooms/", include("forum.api.urls")),
    path("api/v1/", include("participation.api.urls")),
    path("api/ogc/", include("participation.ogc.urls")),
    path("", include("participation.urls")),
    path("live/", views.live_join, name="live-join"),
    path("live/<str:code>/", views.live_room, name="live-room"),
    path("live/<str:code>/state/", views.live_state, name="live-state"),
    path("live/<str:code>/answer/", views.live_answer, name="live-answer"),
    path("live/<str:code>/questions/", views.live_question, name="live-question"),
    path("live/<str:code>/questions/<id:question_id>/upvote/", views.live_upvote, name="live-upvote"),
    path("kiosk/<slug:slug>/", views.kiosk, name="kiosk"),
    path("kiosk/<slug:slug>/snapshot/", views.kiosk_snapshot, name="kiosk-snapshot"),
    path("terminal/<slug:slug>/", views.terminal, name="terminal"),
    path("terminal/<slug:slug>/start/", views.terminal_start, name="terminal-start"),
    path("terminal/<slug:slug>/done/", views.terminal_done, name="terminal-done"),
    path("terminal/<slug:slug>/alive/", views.terminal_alive, name="terminal-alive"),
    path("terminal/<slug:slug>/state/", views.terminal_state, name="terminal-state"),
    path("terminal/<slug:slug>/comment/", views.terminal_comment, name="terminal-comment"),
    path("terminal/<slug:slug>/vote/", views.terminal_vote, name="terminal-vote"),
    path("terminal/<slug:slug>/poll/", views.terminal_poll, name="terminal-poll"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    def closed(request, rest):
        raise Http404

    # Exports are served only through the admin's download view, to staff who may export (nginx closes it too).
    urlpatterns += [path(f"{settings.MEDIA_URL.lstrip('/')}exports/<path:rest>", closed)]
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
