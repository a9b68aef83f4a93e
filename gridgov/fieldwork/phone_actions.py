"""A case reported from the grid worker's phone (上报案件): the case loop's own report
action, stored once per phone client id like every other item of the phone's outbox.

The case keeps the client id as its `source_ref` ("phone:<uuid>", under the reporter's
source), so a report whose answer was lost, sent again from the outbox, finds the case
it made instead of making a second one. The reporter's own row is locked first, so two
sends of the same report at the same moment wait for each other (SQLite's writes are
serialised anyway).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.models import User
from gridgov.cases import actions as case_actions
from gridgov.cases.choices import Source
from gridgov.cases.models import Case
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.fieldwork.checks import clean_client_id

PHONE_REF = "phone:"


def report_case(actor, *, client_id=None, source=Source.GRID_WORKER, **inputs) -> Case:
    """Report a case (`cases.actions.report_case`'s inputs) unless the actor reported
    this client id before: then that case, `replayed`."""
    check_capability(actor, "cases.report")
    client_id = clean_client_id(client_id)
    if client_id is None:
        case = case_actions.report_case(actor, source=source, **inputs)
        case.replayed = False
        return case
    if inputs.get("source_ref"):
        raise ActionError(_("手机上报的案件不能填写来源编号。"), "source_ref")
    inputs.pop("source_ref", None)
    ref = f"{PHONE_REF}{client_id}"
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).values_list("pk").first()
        found = Case.objects.filter(source=source, source_ref=ref).first()
        if found is not None:
            if found.reporter_id != actor.pk:
                raise ActionError(_("客户端编号已被使用。"), "client_id", 409)
            found.replayed = True
            return found
        case = case_actions.report_case(actor, source=source, source_ref=ref, **inputs)
        audit.record(
            actor,
            "case.phone_report",
            case,
            after={"client_id": str(client_id), "case": case.number},
        )
    case.replayed = False
    return case
