"""Who is acting in this request, kept in a context variable.

Actions write audit rows with the request id and client address without every caller
having to pass the request down; the shell context processor gives every page the
navigation of the user's roles.
"""

import contextvars
from dataclasses import dataclass
from functools import partial

_current = contextvars.ContextVar("gridgov_request", default=None)


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    ip: str | None


def set_current(info: RequestInfo | None):
    return _current.set(info)


def reset_current(token) -> None:
    _current.reset(token)


def current() -> RequestInfo | None:
    return _current.get()


def shell(request):
    """Template context for the base layout: the navigation and scope of the user."""
    from gridgov.core.navigation import navigation_for

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Callables: the cached page shell (base.html) only calls them when it re-renders.
    return {
        "nav_items": partial(navigation_for, request),
        "user_scope_label": lambda: user.scope_label,
    }
