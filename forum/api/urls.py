from django.urls import path

from forum.api import views

urlpatterns = [
    path("", views.RoomList.as_view(), name="room-list"),
    path("<str:code>/", views.RoomDetail.as_view(), name="room-detail"),
    path("<str:code>/vote/", views.RoomVote.as_view(), name="room-vote"),
    path("<str:code>/questions/", views.RoomQuestion.as_view(), name="room-questions"),
    path("<str:code>/questions/<id:question_id>/upvote/", views.RoomUpvote.as_view(), name="room-upvote"),
]
