from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("compte/", views.account, name="account"),
    path("compte/connexion/", views.LoginView.as_view(), name="login"),
    path("compte/deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("compte/jetons/", views.create_token, name="create_token"),
    path("compte/jetons/<int:token_id>/revoquer/", views.revoke_token, name="revoke_token"),
    path("compte/invitations/", views.invite, name="invite"),
    path("compte/invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("compte/mot-de-passe/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "compte/mot-de-passe/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "compte/mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "compte/mot-de-passe/termine/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
