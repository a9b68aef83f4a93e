from django.contrib import admin
from django.urls import include, path

from gridgov.api import api
from gridgov.cases import rating_views
from gridgov.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("gridgov.accounts.urls")),
    path("areas/", include("gridgov.places.urls")),
    path("people/", include("gridgov.people.urls")),
    path("cases/", include("gridgov.cases.urls")),
    path("command/", include("gridgov.command.urls")),
    path("field/", include("gridgov.fieldwork.urls")),
    path("hall/", include("gridgov.hall.urls")),
    path("r/<str:token>", rating_views.rate, name="case_rate"),
    path("audit/", include("gridgov.core.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "gridgov.core.views.bad_request"
handler403 = "gridgov.core.views.permission_denied"
handler404 = "gridgov.core.views.page_not_found"
handler500 = "gridgov.core.views.server_error"
