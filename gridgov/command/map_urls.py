"""URL patterns (filled in by its part)."""

urlpatterns: list = []
