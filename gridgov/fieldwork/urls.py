"""URLs of the grid worker's day, under /field/ (the phone app's scope; its "today"
page is /field/ itself): today and a supervisor's board of workers, patrols, visits and
their rules, the diary and its reader, requests and convenience services."""

from django.urls import path

from gridgov.fieldwork import (
    diary_views,
    offline_views,
    patrol_views,
    request_views,
    rule_views,
    today_views,
    visit_views,
)

app_name = "fieldwork"

urlpatterns = [
    path("", today_views.today_page, name="today"),
    path("workers/", today_views.workers, name="workers"),
    path("workers/<int:user_id>/", today_views.worker_today, name="worker_today"),
    path("patrol/", patrol_views.patrol, name="patrol"),
    path("patrol/start/", patrol_views.patrol_start, name="patrol_start"),
    path("patrol/stop/", patrol_views.patrol_stop, name="patrol_stop"),
    path("patrols/", patrol_views.patrol_list, name="patrols"),
    path("patrols/<int:pk>/", patrol_views.patrol_detail, name="patrol_detail"),
    path("patrols/<int:pk>/case/", patrol_views.patrol_case, name="patrol_case"),
]

urlpatterns += [
    path("visits/due/", visit_views.due, name="due"),
    path("visits/", visit_views.visit_list, name="visits"),
    path("visits/new/", visit_views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", visit_views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/photo/", visit_views.visit_photo, name="visit_photo"),
    path("visits/<int:pk>/case/", visit_views.visit_case, name="visit_case"),
    path(
        "visits/<int:pk>/corrections/<int:index>/<str:decision>/",
        visit_views.correction_decide,
        name="correction_decide",
    ),
    path("corrections/", visit_views.corrections_queue, name="corrections"),
    path("rules/", rule_views.rules_page, name="rules"),
    path("rules/save/", rule_views.rule_save, name="rule_save"),
    path("rules/defaults/", rule_views.rule_defaults, name="rule_defaults"),
]

urlpatterns += [
    path("diary/", diary_views.diary, name="diary"),
    path("diary/items/<int:pk>/edit/", diary_views.item_edit, name="item_edit"),
    path("diary/items/<int:pk>/case/", diary_views.item_case, name="item_case"),
    path("diary/items/<int:pk>/request/", diary_views.item_request, name="item_request"),
    path("diary/mediations/<int:pk>/", diary_views.mediation_edit, name="mediation"),
    path("diaries/", diary_views.reader, name="diaries"),
    path("diaries/<int:pk>/", diary_views.entry_detail, name="entry_detail"),
]

urlpatterns += [
    path("requests/", request_views.request_list, name="requests"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("requests/<int:pk>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:pk>/<str:action>/", request_views.request_move, name="request_move"),
    path("services/", request_views.service_list, name="services"),
    path("services/new/", request_views.service_new, name="service_new"),
]

urlpatterns += [
    path("sw.js", offline_views.service_worker, name="sw"),
    path("outbox/", offline_views.outbox, name="outbox"),
    path("report/", offline_views.report, name="report"),
]
