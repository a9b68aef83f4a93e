"""The command center's pages: the map (指挥地图), its cards (side-panel fragments) with
dispatch from a case card, the camera registry and the alert sources."""

from django.urls import path

from gridgov.command import camera_views, card_views, map_views

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
