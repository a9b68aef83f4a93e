"""URLs of the case loop, one list per group of pages."""

from gridgov.cases import board_urls, field_urls, reference_urls

app_name = "cases"

urlpatterns = [*field_urls.urlpatterns, *board_urls.urlpatterns, *reference_urls.urlpatterns]
