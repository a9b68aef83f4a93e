"""URLs of the case loop: field pages (reporting, the case page, my cases, the inbox)."""

from django.urls import path

from gridgov.cases import case_views, inbox_views, report_views

urlpatterns = [
    path("report/", report_views.report, name="report"),
    path("report/nearby/", report_views.nearby, name="nearby"),
    path("mine/", inbox_views.mine, name="mine"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/read/", inbox_views.inbox_read, name="inbox_read"),
    path("<int:pk>/", case_views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", case_views.act, name="act"),
    path("photos/<int:pk>/", case_views.photo, name="photo"),
]
