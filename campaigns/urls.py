from django.urls import path

from campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("repondre/<str:token>/", views.answer, name="answer"),
    path("repondre/<str:token>/brouillon/", views.autosave, name="autosave"),
    path("campagnes/", views.campaign_list, name="list"),
    path("campagnes/nouvelle/", views.campaign_create, name="create"),
    path("campagnes/mes-reponses/", views.my_responses, name="mine"),
    path("campagnes/reponses/<int:pk>/", views.response_detail, name="response"),
    path("campagnes/<int:pk>/", views.dashboard, name="dashboard"),
    path("campagnes/<int:pk>/suivi/", views.dashboard_live, name="live"),
    path("campagnes/<int:pk>/relancer/", views.remind, name="remind"),
    path("campagnes/<int:pk>/cloturer/", views.close, name="close"),
]
