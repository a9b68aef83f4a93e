"""View decorators: the role check (403) and the scope check (404).

A missing capability is a 403: it says nothing about any record. A record outside the
user's scope is a 404, exactly like a record that does not exist.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from gridgov.core.scope import get_visible_or_404


def requires(capability: str):
    """Allow the view only to users whose roles grant `capability`."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.has_capability(capability):
                raise PermissionDenied(capability)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def in_scope(model, url_kwarg: str = "pk", field: str = "pk"):
    """Replace the URL's key with the record itself, or 404 if the user can't see it.

    The view receives the record as its second argument.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            value = kwargs.pop(url_kwarg)
            obj = get_visible_or_404(model.objects.all(), request.user, **{field: value})
            return view(request, obj, *args, **kwargs)

        return wrapper

    return decorator
