from django.urls import path

from gridgov.people import (
    building_views,
    focus_group_views,
    io_views,
    list_views,
    search_views,
)
from gridgov.people import household_views as households

app_name = "people"

urlpatterns = [
    path("buildings/<int:pk>/", building_views.building_detail, name="building_detail"),
]

# The household file (一户一档) and its edits.
urlpatterns += [
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("households/<int:pk>/reveal/", households.household_reveal, name="household_reveal"),
    path("households/<int:pk>/head/", households.household_head, name="household_head"),
    path("households/<int:pk>/move/", households.household_move, name="household_move"),
    path("households/<int:pk>/residents/new/", households.resident_add, name="resident_add"),
    path(
        "households/<int:pk>/residents/<int:resident_pk>/edit/",
        households.resident_edit,
        name="resident_edit",
    ),
    path(
        "households/<int:pk>/residents/<int:resident_pk>/leave/",
        households.resident_leave,
        name="resident_leave",
    ),
    path(
        "households/<int:pk>/residents/<int:resident_pk>/focus/",
        households.focus_add,
        name="focus_add",
    ),
    path(
        "households/<int:pk>/focus/<int:membership_pk>/end/",
        households.focus_end,
        name="focus_end",
    ),
]

# Excel import and export of base data (templates, report, downloads).
urlpatterns += [
    path("import/", io_views.people_import, name="import"),
    path("import/report/<str:report_id>.xlsx", io_views.import_report, name="import_report"),
    path("import/template/<str:kind_name>.xlsx", io_views.import_template, name="import_template"),
    path("export/", io_views.people_export, name="export"),
    path("export/<str:kind_name>.xlsx", io_views.export_masked, name="export_masked"),
]

# Search and the lists of base data.
urlpatterns += [
    path("search/", search_views.search, name="search"),
    path("residents/", list_views.resident_list, name="resident_list"),
    path("households/", list_views.household_list, name="household_list"),
    path("buildings/", list_views.building_list, name="building_list"),
    path("organizations/", list_views.organization_list, name="organization_list"),
]

# The focus-group list (reference data).
urlpatterns += [
    path("focus-groups/", focus_group_views.focus_groups, name="focus_groups"),
    path("focus-groups/new/", focus_group_views.focus_group_new, name="focus_group_new"),
    path("focus-groups/<int:pk>/", focus_group_views.focus_group_edit, name="focus_group_edit"),
    path(
        "focus-groups/<int:pk>/active/",
        focus_group_views.focus_group_active,
        name="focus_group_active",
    ),
]
