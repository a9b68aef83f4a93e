"""URLs of the case loop: reference pages."""

urlpatterns = []
