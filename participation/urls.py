"""Public pages of the participation app that are not Wagtail pages."""

from django.urls import path

from participation.views import flags, notifications, open_data, results, scene, twin

app_name = "participation"
urlpatterns = [
    path("twin/", twin.twin_search, name="twin-search"),
    path("open-data/", open_data.open_data, name="open-data"),
    path("twin/<id:pk>/", twin.twin_feature, name="twin-feature"),
    path("contributions/<id:pk>/report/", flags.flag_contribution, name="flag"),
    path("consultations/<id:page_pk>/3d/", scene.consultation_3d, name="consultation-3d"),
    path("consultations/<id:page_pk>/follow/", notifications.follow, name="follow"),
    # The account area's notification settings, and the unsubscribe link of every mail (allauth's own pages are
    # under accounts/ too; these paths are not among them).
    path("accounts/notifications/", notifications.notification_settings, name="notification-settings"),
    path(
        "accounts/notifications/unsubscribe/<str:token>/", notifications.unsubscribe, name="notifications-unsubscribe"
    ),
    path("consultations/<id:page_pk>/3d/scene.geojson", scene.consultation_3d_scene, name="consultation-3d-scene"),
    path("consultations/<id:page_pk>/results/", results.consultation_results, name="consultation-results"),
    path("consultations/<id:page_pk>/open-data.zip", results.consultation_open_data, name="consultation-open-data"),
]
