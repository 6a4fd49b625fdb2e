from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("barometres/", views.survey_list, name="list"),
    path("barometres/<slug:slug>/resultats/", views.results_page, name="results"),
    path("barometres/<slug:slug>/rapport/", views.report_page, name="report"),
    path("barometres/<slug:slug>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("barometres/<slug:slug>/export/<str:filename>", views.export, name="export"),
]
