"""The residents' rating page (群众评价): opened from the link sent after the follow-up,
with no login; the token in the link is the key, and only its digest is stored.

It shows nothing personal: the case number, title, result and when it was handled.
A used or unknown link answers a friendly 404.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from gridgov.cases import actions
from gridgov.cases.choices import Rating, Status
from gridgov.cases.models import Case
from gridgov.cases.notify import token_digest
from gridgov.core.errors import ActionError


def _case_for(token: str):
    if not token or len(token) > 100:
        return None
    return (
        Case.objects.filter(rating_token_digest=token_digest(token), status=Status.FOLLOWED_UP)
        .only("id", "number", "title", "result", "handled_at")
        .first()
    )


def _page(request, context, status=200):
    response = render(request, "cases/rate.html", context, status=status)
    # The link is the key: never pass it to another site. ("no-referrer" would also make
    # the browser send "Origin: null" with the form, which the CSRF check refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
@csrf_protect
def rate(request, token):
    case = _case_for(token)
    if case is None:
        return _page(request, {"state": "invalid"}, status=404)
    error, comment = None, ""
    if request.method == "POST":
        comment = request.POST.get("comment", "")
        try:
            actions.rate_by_token(token, request.POST.get("rating", ""), comment)
        except ActionError as exc:
            if exc.status == 404:
                return _page(request, {"state": "invalid"}, status=404)
            error = exc.message
        else:
            return _page(request, {"state": "thanks", "case": case})
    context = {
        "state": "form",
        "case": case,
        "ratings": Rating.choices,
        "comment": comment,
        "error": error,
    }
    return _page(request, context, status=400 if error else 200)
