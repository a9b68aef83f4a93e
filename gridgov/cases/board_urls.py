"""URLs of the case loop: the dispatch board, a department's queue, the list and export."""

from django.urls import path

from gridgov.cases import board_views, exports, list_views

urlpatterns = [
    path("", list_views.case_list, name="list"),
    path("export/", exports.case_export, name="export"),
    path("board/", board_views.board, name="board"),
    path("board/dispatch/", board_views.bulk_dispatch, name="bulk_dispatch"),
    path("queue/", board_views.queue, name="queue"),
]
