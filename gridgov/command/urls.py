"""The command center's pages: the map, its cards, the camera registry."""

from gridgov.command import camera_urls, card_urls, map_urls

app_name = "command"
urlpatterns = map_urls.urlpatterns + card_urls.urlpatterns + camera_urls.urlpatterns
