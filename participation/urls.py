"""Public pages of the participation app that are not Wagtail pages."""

from django.urls import path

from participation import views, views_3d

app_name = "participation"
urlpatterns = [
    path("twin/<int:pk>/", views.twin_feature, name="twin-feature"),
    path("consultations/<int:page_pk>/3d/", views_3d.consultation_3d, name="consultation-3d"),
    path("consultations/<int:page_pk>/3d/scene.geojson", views_3d.consultation_3d_scene, name="consultation-3d-scene"),
]
