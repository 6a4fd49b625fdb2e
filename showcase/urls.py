from django.urls import path

from showcase import views

app_name = "showcase"
urlpatterns = [
    path("exemples/", views.catalogue, name="catalogue"),
    path("exemples/proposer/", views.submit, name="submit"),
    path("exemples/moderation/", views.moderation, name="moderation"),
    path("exemples/<int:pk>/", views.detail, name="detail"),
    path("exemples/<int:pk>/moderer/", views.moderate, name="moderate"),
]
