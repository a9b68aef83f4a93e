"""The map's cards (side-panel fragments) and dispatch from a case card."""

from django.urls import path

from gridgov.command import card_views

urlpatterns = [
    path("cards/<str:kind>/<int:pk>/", card_views.card, name="card"),
    path("cases/<int:pk>/verify/", card_views.verify, name="verify"),
]
