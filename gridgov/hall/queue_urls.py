"""The queue: the consultation desk and the window consoles (clerks), the call display
and the ticket page (public). Mounted under /hall/."""

from django.urls import path

from gridgov.hall import desk_views, queue_views

urlpatterns = [
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
