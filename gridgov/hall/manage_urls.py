from django.urls import path

from gridgov.hall import settings_views, stats_views

urlpatterns = [
    path("stats/", stats_views.stats_page, name="stats"),
    path("stats.xlsx", stats_views.stats_export, name="stats_export"),
    path("settings/", settings_views.hall_settings, name="settings"),
]
