from django.urls import path

from gridgov.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("2fa/verify/", views.totp_verify, name="totp_verify"),
    path("2fa/enrol/", views.totp_enrol, name="totp_enrol"),
]
