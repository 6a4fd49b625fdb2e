from django.urls import path

from showcase import views

app_name = "showcase"
urlpatterns = [
    path("exemples/", views.catalogue, name="catalogue"),
    path("exemples/proposer/", views.submit, name="submit"),
    path("exemples/moderation/", views.moderation, name="moderation"),
    path("exemples/depuis-les-reponses/", views.from_responses, name="from_responses"),
    path(
        "exemples/depuis-les-reponses/<int:response_id>/",
        views.from_response,
        name="from_response",
    ),
    path("exemples/<int:pk>/", views.detail, name="detail"),
    path("exemples/<int:pk>/moderer/", views.moderate, name="moderate"),
]
