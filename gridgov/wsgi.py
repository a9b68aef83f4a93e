import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
application = get_wsgi_application()
# Import every view and the API now rather than on each worker's first request (seconds
# on a busy machine): under gunicorn's --preload the workers fork with them loaded.
get_resolver().check()
