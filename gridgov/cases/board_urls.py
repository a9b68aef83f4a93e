"""URLs of the case loop: board pages."""

urlpatterns = []
