"""The command center's pages: the map (指挥地图), its cards (side-panel fragments) with
dispatch from a case card, the camera registry, the alert sources and the alert kinds."""

from django.urls import path

from gridgov.command import alert_kind_views, camera_views, card_views, map_views

app_name = "command"

urlpatterns = [
    path("map/", map_views.command_map, name="map"),
    path("map/counters/", map_views.counters, name="map_counters"),
    path("cards/<str:kind>/<int:pk>/", card_views.card, name="card"),
    path("cases/<int:pk>/verify/", card_views.verify, name="verify"),
]

# The camera registry and the alert sources (see `camera_views`).
urlpatterns += [
    path("cameras/", camera_views.camera_list, name="camera_list"),
    path("cameras/export/", camera_views.camera_export, name="camera_export"),
    path("cameras/import/", camera_views.camera_import, name="camera_import"),
    path(
        "cameras/import/report/<str:report_id>/",
        camera_views.camera_import_report,
        name="camera_import_report",
    ),
    path("alert-sources/", camera_views.alert_sources, name="alert_sources"),
    path(
        "alert-sources/<int:pk>/disable/",
        camera_views.alert_source_disable,
        name="alert_source_disable",
    ),
]

# The alert kinds and the case category each becomes (see `alert_kind_views`).
urlpatterns += [
    path("alert-kinds/", alert_kind_views.alert_kinds, name="alert_kinds"),
    path("alert-kinds/new/", alert_kind_views.alert_kind_new, name="alert_kind_new"),
    path("alert-kinds/<int:pk>/", alert_kind_views.alert_kind_edit, name="alert_kind_edit"),
    path(
        "alert-kinds/<int:pk>/delete/",
        alert_kind_views.alert_kind_delete,
        name="alert_kind_delete",
    ),
]
