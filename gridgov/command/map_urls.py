"""The command center's map page (指挥地图)."""

from django.urls import path

from gridgov.command import map_views

urlpatterns = [
    path("map/", map_views.command_map, name="map"),
    path("map/counters/", map_views.counters, name="map_counters"),
]
