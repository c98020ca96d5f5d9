"""Public pages of the participation app that are not Wagtail pages."""

from django.urls import path

from participation.views import flags, open_data, scene, twin

app_name = "participation"
urlpatterns = [
    path("twin/", twin.twin_search, name="twin-search"),
    path("open-data/", open_data.open_data, name="open-data"),
    path("twin/<id:pk>/", twin.twin_feature, name="twin-feature"),
    path("contributions/<id:pk>/report/", flags.flag_contribution, name="flag"),
    path("consultations/<id:page_pk>/3d/", scene.consultation_3d, name="consultation-3d"),
    path("consultations/<id:page_pk>/3d/scene.geojson", scene.consultation_3d_scene, name="consultation-3d-scene"),
]
