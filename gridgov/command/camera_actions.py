"""The camera registry's writes: a checked import sheet saved in one transaction with
one audit row for the file. (Alert sources are created and disabled by
`command.actions`; heartbeats and alerts arrive through the API.)"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.command.camera_io import FIELDS, CameraSheet
from gridgov.command.models import Camera
from gridgov.core import audit
from gridgov.core.errors import ActionError, check_capability

BATCH = 500


def import_cameras(actor, sheet: CameraSheet, filename: str = "") -> dict:
    """Create the sheet's new cameras and update the changed ones (matched by code).
    The sheet was checked whole by `camera_io.check_cameras`; if another user
    registered one of its codes meanwhile, nothing is written."""
    check_capability(actor, "command.cameras")
    counts = {
        "rows": sheet.rows,
        "created": len(sheet.new),
        "updated": len(sheet.changed),
        "unchanged": sheet.unchanged,
    }
    try:
        with transaction.atomic():
            Camera.objects.bulk_create(sheet.new, batch_size=BATCH)
            Camera.objects.bulk_update(
                sheet.changed,
                [*FIELDS, "grid", "community", "street", "updated_at"],
                batch_size=BATCH,
            )
            audit.record(
                actor,
                "camera.import",
                object_type="command.camera",
                object_repr=_("导入摄像头 %(n)d 行") % {"n": sheet.rows},
                after={**counts, "file": filename[:100]},
            )
    except IntegrityError:
        raise ActionError(
            _("导入期间有摄像头编码被他人登记，未写入任何数据，请重新导入。"), field="file"
        ) from None
    return counts
