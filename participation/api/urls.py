from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from participation.api import docs, tiles, views

app_name = "api"
urlpatterns = [
    path("", docs.index, name="index"),
    path("docs/", docs.documentation, name="docs"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("consultations/", views.ConsultationList.as_view(), name="consultation-list"),
    path("consultations/<id:pk>/", views.ConsultationDetail.as_view(), name="consultation-detail"),
    path("proposals/", views.ProposalList.as_view(), name="proposal-list"),
    path("proposals/<id:pk>/", views.ProposalDetail.as_view(), name="proposal-detail"),
    path("proposals/<id:pk>/vote/", views.ProposalVote.as_view(), name="proposal-vote"),
    path("contributions/", views.ContributionList.as_view(), name="contribution-list"),
    path("contributions/<id:pk>/flags/", views.ContributionFlags.as_view(), name="contribution-flags"),
    path("contributions/geojson/", views.ContributionGeoJSON.as_view(), name="contribution-geojson"),
    path("twin-features/", views.TwinFeatureList.as_view(), name="twin-feature-list"),
    path("twin-features/<id:pk>/", views.TwinFeatureDetail.as_view(), name="twin-feature-detail"),
    path("twin-features/geojson/", views.TwinFeatureGeoJSON.as_view(), name="twin-feature-geojson"),
    path("twin-tiles/<int:zoom>/<int:x>/<int:y>.json", tiles.twin_tile, name="twin-tile"),
]
