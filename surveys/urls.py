from django.urls import path

from surveys import manage_views, views

app_name = "surveys"
urlpatterns = [
    path("barometres/", views.survey_list, name="list"),
    path("barometres/gestion/", manage_views.index, name="manage_index"),
    path("barometres/gestion/<slug:slug>/", manage_views.survey_page, name="manage"),
    path(
        "barometres/gestion/<slug:slug>/questionnaire/",
        manage_views.upload_version,
        name="manage_upload",
    ),
    path(
        "barometres/gestion/<slug:slug>/versions/<int:number>/",
        manage_views.version_page,
        name="manage_version",
    ),
    path(
        "barometres/gestion/<slug:slug>/versions/<int:number>/<str:kind>.xlsx",
        manage_views.version_download,
        name="manage_version_download",
    ),
    path(
        "barometres/gestion/<slug:slug>/reponses/verifier/",
        manage_views.answers_dry_run,
        name="manage_answers_check",
    ),
    path(
        "barometres/gestion/<slug:slug>/reponses/appliquer/",
        manage_views.answers_apply,
        name="manage_answers_apply",
    ),
    path(
        "barometres/gestion/<slug:slug>/rejets/<str:name>",
        manage_views.rejects_download,
        name="manage_rejects",
    ),
    path(
        "barometres/gestion/<slug:slug>/chiffres/nouveau/",
        manage_views.headline_edit,
        name="manage_headline_new",
    ),
    path(
        "barometres/gestion/<slug:slug>/chiffres/apercu/",
        manage_views.headline_preview,
        name="manage_headline_preview",
    ),
    path(
        "barometres/gestion/<slug:slug>/chiffres/<int:pk>/",
        manage_views.headline_edit,
        name="manage_headline",
    ),
    path(
        "barometres/gestion/<slug:slug>/chiffres/<int:pk>/supprimer/",
        manage_views.headline_delete,
        name="manage_headline_delete",
    ),
    path(
        "barometres/gestion/<slug:slug>/publication/",
        manage_views.publication,
        name="manage_publication",
    ),
    path("barometres/<slug:slug>/resultats/", views.results_page, name="results"),
    path("barometres/<slug:slug>/rapport/", views.report_page, name="report"),
    path("barometres/<slug:slug>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("barometres/<slug:slug>/export/<str:filename>", views.export, name="export"),
]
