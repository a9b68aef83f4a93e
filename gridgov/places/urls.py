from django.urls import path

from gridgov.places import views

app_name = "places"

urlpatterns = [
    path("", views.area_tree, name="area_tree"),
    path("<str:code>/", views.area_detail, name="area_detail"),
]
