"""Routes of the OGC API - Features under /api/ogc/ (paths as the standard names them)."""

from django.urls import path, re_path

from participation.ogc import views

app_name = "ogc"
urlpatterns = [
    path("", views.landing_page, name="landing"),
    path("conformance", views.conformance, name="conformance"),
    path("api", views.api_definition, name="api"),
    path("collections", views.collections, name="collections"),
    path("collections/<str:collection_id>", views.collection, name="collection"),
    path("collections/<str:collection_id>/items", views.items, name="items"),
    path("collections/<str:collection_id>/items/<str:feature_id>", views.item, name="item"),
    # The same with a trailing slash, as some clients write them: sent on to the path without.
    re_path(r"^(?:conformance|api|collections(?:/[^/]+(?:/items(?:/[^/]+)?)?)?)/$", views.without_trailing_slash),
]
