from django.urls import path

from gridgov.accounts import manage_views, self_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("2fa/verify/", views.totp_verify, name="totp_verify"),
    path("2fa/enrol/", views.totp_enrol, name="totp_enrol"),
    path("users/", manage_views.user_list, name="user_list"),
    path("users/new/", manage_views.user_create, name="user_create"),
    path("users/<int:pk>/", manage_views.user_detail, name="user_detail"),
    path("users/<int:pk>/roles/", manage_views.user_assign_role, name="user_assign_role"),
    path(
        "users/<int:pk>/roles/<int:assignment_pk>/revoke/",
        manage_views.user_revoke_role,
        name="user_revoke_role",
    ),
    path("users/<int:pk>/disable/", manage_views.user_disable, name="user_disable"),
    path("users/<int:pk>/enable/", manage_views.user_enable, name="user_enable"),
    path("users/<int:pk>/password/", manage_views.user_reset_password, name="user_reset_password"),
    path("password/", self_views.password_change, name="password_change"),
    path("tokens/", self_views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", self_views.token_revoke, name="token_revoke"),
]
