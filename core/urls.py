from django.urls import path

from core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("carte/", views.france_map, name="map"),
]
