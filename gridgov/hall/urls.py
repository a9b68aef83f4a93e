from django.urls import include, path

app_name = "hall"

urlpatterns = [
    path("", include("gridgov.hall.catalogue_urls")),
    path("", include("gridgov.hall.queue_urls")),
    path("", include("gridgov.hall.application_urls")),
    path("", include("gridgov.hall.manage_urls")),
]
