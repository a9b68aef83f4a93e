from django.urls import path

from gridgov.core import audit_views

app_name = "core"

urlpatterns = [
    path("", audit_views.audit_list, name="audit_list"),
    path("export.xlsx", audit_views.audit_export, name="audit_export"),
    path("access/", audit_views.access_list, name="access_list"),
    path("access/export.xlsx", audit_views.access_export, name="access_export"),
]
