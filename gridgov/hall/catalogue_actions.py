"""The catalogue's writes: an Excel import of items and their materials, saved in one
transaction with one audit row for the file, publishing or withdrawing an item, and
setting its aliases.

Only street staff keep the catalogue ("hall.manage"), and only their own street's:
an item of another street answers 404, as if it did not exist.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability
from gridgov.core.scope import scope_of, street_of
from gridgov.hall import catalogue_io
from gridgov.hall.catalogue_queries import SEARCH_KEY_FIELDS, fill_search_keys, normal_aliases
from gridgov.hall.models import ItemStatus, Material, ServiceItem
from gridgov.places.models import Area, Level

CAPABILITY = "hall.manage"
BATCH = 500


def _import_street(actor, street: Area | None) -> Area:
    """The street to import into: the one given, which must be the actor's, or the
    actor's only street (one of several is never guessed)."""
    if street is None:
        if len(scope_of(actor).street_ids) != 1:
            raise ActionError(_("请选择要导入到哪个街道。"), field="street")
        return Area.objects.get(pk=street_of(actor), level=Level.STREET)
    if street_of(actor, street.pk) is None:
        raise ActionError(_("该街道不在您的管辖范围内。"), status=404)
    return street


def import_items(
    actor, rows: catalogue_io.CatalogueRows, *, street: Area | None = None, filename: str = ""
) -> dict:
    """Check the workbook's rows whole (ImportRejected lists every problem, nothing is
    written), then create and update the items by code and replace the materials of
    those whose materials changed. Returns the counts the audit row records."""
    check_capability(actor, CAPABILITY)
    street = _import_street(actor, street)
    sheet = catalogue_io.check_catalogue(street, rows)
    counts = sheet.counts()
    now = timezone.now()
    try:
        with transaction.atomic():
            new_items = [item for item, _materials in sheet.new]
            ServiceItem.objects.bulk_create(new_items, batch_size=BATCH)
            changed = [item for item, _materials in sheet.changed]
            for item in changed:
                item.updated_at = now
            fields = [*catalogue_io.FIELDS, *SEARCH_KEY_FIELDS, "updated_at"]
            ServiceItem.objects.bulk_update(changed, fields, batch_size=BATCH)
            replaced = [(item, m) for item, m in [*sheet.new, *sheet.changed] if m is not None]
            outdated = [item.pk for item, m in sheet.changed if m is not None]
            Material.objects.filter(item__in=outdated).delete()
            materials = []
            for item, item_materials in replaced:
                for material in item_materials:
                    material.item = item
                    materials.append(material)
            Material.objects.bulk_create(materials, batch_size=BATCH)
            audit.record(
                actor,
                "service_item.import",
                object_type="hall.serviceitem",
                object_repr=_("导入服务事项 %(n)d 行") % {"n": sheet.rows},
                after={**counts, "street": street.code, "file": filename[:100]},
            )
    except IntegrityError:
        raise ActionError(
            _("导入期间有事项编码被他人登记，未写入任何数据，请重新导入。"), field="file"
        ) from None
    return counts


def _set(actor, item: ServiceItem, field: str, value) -> ServiceItem:
    """Set one field of an item of the actor's street (404 otherwise) with its audit row,
    "service_item.<field>"; the value it already has changes nothing and writes no
    audit row. The search keys follow the aliases."""
    with transaction.atomic():
        items = ServiceItem.objects.visible_to(actor).select_for_update()
        locked = items.filter(pk=item.pk).first()
        if locked is None:
            raise ActionError(_("事项不存在。"), status=404)
        before = getattr(locked, field)
        if before == value:
            return locked
        setattr(locked, field, value)
        fields = [field, "updated_at"]
        if field == "aliases":
            fill_search_keys(locked)
            fields += SEARCH_KEY_FIELDS
        locked.save(update_fields=fields)
        audit.record(
            actor,
            f"service_item.{field}",
            locked,
            before={field: before},
            after={field: value},
        )
    return locked


def set_item_status(actor, item: ServiceItem, status: str) -> ServiceItem:
    """Publish, withdraw or return an item to draft."""
    check_capability(actor, CAPABILITY)
    if status not in ItemStatus.values:
        raise ActionError(_("事项状态不正确。"), field="status")
    return _set(actor, item, "status", status)


def set_item_aliases(actor, item: ServiceItem, aliases: str) -> ServiceItem:
    """Set what residents call the item, tidied by `normal_aliases`."""
    check_capability(actor, CAPABILITY)
    return _set(actor, item, "aliases", normal_aliases(aliases))
