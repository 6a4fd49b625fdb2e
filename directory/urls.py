from django.urls import path

from directory import views

app_name = "directory"
urlpatterns = [
    path("annuaire/", views.cluster_list, name="clusters"),
    path("annuaire/entreprises/", views.company_list, name="companies"),
    path("annuaire/import/", views.import_upload, name="import"),
    path("annuaire/import/<str:token>/confirmer/", views.import_confirm, name="import-confirm"),
    path("annuaire/import/<str:token>/rejets/", views.import_rejects, name="import-rejects"),
    path(
        "annuaire/import/modele/<str:kind>.<str:fmt>",
        views.import_template,
        name="import-template",
    ),
    path("annuaire/<slug:slug>/", views.cluster_detail, name="cluster"),
    path("annuaire/<slug:slug>/modifier/", views.cluster_edit, name="cluster-edit"),
    path("entreprises/<str:siren>/", views.company_detail, name="company"),
    path("carte/points.json", views.map_points, name="map-points"),
    path("carte/territoires.geojson", views.map_territoires, name="map-territoires"),
    path("carte/entreprise/<int:pk>/", views.map_company_popup, name="map-company"),
]
