"""The search page: one box over residents, households, buildings and organizations.

The form always posts (with its CSRF token), so an ID or phone number typed into the
box never lands in a URL, browser history or a server log. A `?q=` link still works for
names and addresses; a number arriving that way is refused, not looked up, and the user
is sent back to the bare page. Numbers are never echoed back in clear either: the page
names them masked and leaves the box empty.

With htmx the form swaps only the results; without JavaScript it posts the whole page.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from gridgov.core.masking import mask_id_number, mask_phone
from gridgov.core.permissions import requires
from gridgov.core.protect import normalise
from gridgov.people import queries

NUMBER_MASKS = {"id": mask_id_number, "phone": mask_phone}


@requires(queries.VIEW)
@never_cache
def search(request):
    if request.method == "POST":
        results = queries.search(request.user, request.POST.get("q", ""))
    elif "q" in request.GET:
        results = queries.search(request.user, request.GET["q"], numbers_allowed=False)
        if results.kind in NUMBER_MASKS:
            # Refused, and taken out of the address bar (and of this page's links).
            messages.warning(request, results.message)
            return redirect("people:search")
    else:
        results = None
    shown, box = "", ""
    if results is not None:
        masker = NUMBER_MASKS.get(results.kind)
        # A number is named masked and the box left empty; other text stays in the box.
        shown = masker(normalise(results.text)) if masker else results.text
        box = "" if masker else results.text
    context = {"results": results, "shown": shown, "box": box}
    if request.headers.get("HX-Request") == "true":
        return render(request, "people/_search_results.html", context)
    return render(request, "people/search.html", context)
