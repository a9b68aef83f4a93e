"""What the grid worker's day adds to other apps' pages, as panels those pages render
by name from the settings (people imports nothing from fieldwork)."""

from django.template.loader import render_to_string

from gridgov.fieldwork import queries

HOUSEHOLD_VISITS_SHOWN = 10


def household_visits(request, household) -> str:
    """The household file's panel (settings.HOUSEHOLD_PANELS): its latest visits, and
    the button recording one."""
    user = request.user
    if not user.has_capability("fieldwork.view"):
        return ""
    visits = queries.household_visits(user, household, HOUSEHOLD_VISITS_SHOWN + 1)
    context = {
        "household": household,
        "visits": visits[:HOUSEHOLD_VISITS_SHOWN],
        "more": len(visits) > HOUSEHOLD_VISITS_SHOWN,
        "can_record": user.has_capability("fieldwork.record"),
    }
    return render_to_string("fieldwork/_household_visits.html", context, request=request)
