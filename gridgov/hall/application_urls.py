from django.urls import path

from gridgov.hall import application_views as views

urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<str:number>/", views.application_detail, name="application_detail"),
    path(
        "applications/<str:number>/<str:action>/",
        views.application_move,
        name="application_move",
    ),
    path("p/<str:token>", views.progress, name="progress"),
    path("rate/<str:token>", views.rate, name="rate"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
]
