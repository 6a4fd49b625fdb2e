from django.urls import path

from directory import views

app_name = "directory"
urlpatterns = [
    path("annuaire/", views.cluster_list, name="clusters"),
    path("annuaire/entreprises/", views.company_list, name="companies"),
    path("annuaire/<slug:slug>/", views.cluster_detail, name="cluster"),
    path("entreprises/<str:siren>/", views.company_detail, name="company"),
    path("carte/points.json", views.map_points, name="map-points"),
    path("carte/territoires.geojson", views.map_territoires, name="map-territoires"),
    path("carte/entreprise/<int:pk>/", views.map_company_popup, name="map-company"),
]
