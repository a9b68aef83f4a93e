"""The service hall's routes under /hall/: the catalogue (public pages first, then
street staff's), the queue (the consultation desk and the window consoles for clerks,
the call display and the ticket page for the public), applications, and the hall's
figures, settings and window setup."""

from django.urls import path

from gridgov.hall import (
    application_views,
    approver_views,
    catalogue_views,
    desk_views,
    queue_views,
    settings_views,
    stats_views,
    window_setup_views,
)

app_name = "hall"

urlpatterns = [
    path("", catalogue_views.catalogue, name="catalogue"),
    path("items/<str:code>/", catalogue_views.item_detail, name="item_detail"),
    path("manage/items/", catalogue_views.manage_items, name="catalogue_manage"),
    path("manage/items/export.xlsx", catalogue_views.manage_export, name="catalogue_export"),
    path("manage/items/import/", catalogue_views.manage_import, name="catalogue_import"),
    path(
        "manage/items/import/<str:report_id>.xlsx",
        catalogue_views.manage_import_report,
        name="catalogue_import_report",
    ),
    path(
        "manage/items/<int:pk>/status/", catalogue_views.item_status, name="catalogue_item_status"
    ),
    path("manage/items/<int:pk>/", catalogue_views.manage_item, name="catalogue_item"),
]

# The queue.
urlpatterns += [
    path("desk/", desk_views.desk, name="desk"),
    path("desk/issue/", desk_views.desk_issue, name="desk_issue"),
    path("desk/tickets/<int:pk>/", desk_views.desk_ticket, name="desk_ticket"),
    path("windows/", desk_views.window_list, name="window_list"),
    path("windows/<int:number>/", desk_views.window_console, name="window"),
    path("windows/<int:number>/state.json", desk_views.window_state, name="window_state"),
    path("windows/<int:number>/call/", desk_views.window_call, name="window_call"),
    path("windows/<int:number>/recall/", desk_views.window_recall, name="window_recall"),
    path("windows/<int:number>/skip/", desk_views.window_skip, name="window_skip"),
    path("windows/<int:number>/start/", desk_views.window_start, name="window_start"),
    path("windows/<int:number>/finish/", desk_views.window_finish, name="window_finish"),
    path("windows/<int:number>/transfer/", desk_views.window_transfer, name="window_transfer"),
    path("windows/<int:number>/status/", desk_views.window_status, name="window_status"),
    path("display/", queue_views.display_index, name="display_index"),
    path("display/<str:code>/", queue_views.display, name="display"),
    path("display/<str:code>/calls.json", queue_views.display_calls, name="display_calls"),
    path("t/<str:token>", queue_views.ticket_page, name="ticket"),
    path("t/<str:token>/live.json", queue_views.ticket_live, name="ticket_live"),
]

# Applications, their progress page and rating.
urlpatterns += [
    path("applications/", application_views.application_list, name="application_list"),
    path("applications/new/", application_views.application_new, name="application_new"),
    path(
        "applications/<str:number>/",
        application_views.application_detail,
        name="application_detail",
    ),
    path(
        "applications/<str:number>/<str:action>/",
        application_views.application_move,
        name="application_move",
    ),
    path("p/<str:token>", application_views.progress, name="progress"),
    path("rate/<str:token>", application_views.rate, name="rate"),
    path("follow-ups/", application_views.follow_ups, name="follow_ups"),
]

# The hall's figures and settings.
urlpatterns += [
    path("stats/", stats_views.stats_page, name="stats"),
    path("stats.xlsx", stats_views.stats_export, name="stats_export"),
    path("settings/", settings_views.hall_settings, name="settings"),
]

# Setting up the windows and window groups.
urlpatterns += [
    path("settings/windows/", window_setup_views.window_setup, name="window_setup"),
    path("settings/windows/new/", window_setup_views.window_new, name="window_new"),
    path("settings/windows/<int:pk>/", window_setup_views.window_edit, name="window_edit"),
    path(
        "settings/windows/<int:pk>/delete/",
        window_setup_views.window_delete,
        name="window_delete",
    ),
    path("settings/groups/new/", window_setup_views.group_new, name="window_group_new"),
    path("settings/groups/<int:pk>/", window_setup_views.group_edit, name="window_group_edit"),
    path(
        "settings/groups/<int:pk>/delete/",
        window_setup_views.group_delete,
        name="window_group_delete",
    ),
]

# Approval routing: who approves which themes and items.
urlpatterns += [
    path("approvers/", approver_views.approvers, name="approvers"),
    path("approvers/<int:pk>/remove/", approver_views.approver_remove, name="approver_remove"),
]
