"""URLs of the case loop: field pages."""

urlpatterns = []
