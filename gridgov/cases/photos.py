"""Case photos: checked by content (not by name or the browser's word), size-limited,
stored under a server-made name."""

import uuid

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import ActionError
from gridgov.core.uploads import image_type

MAX_PHOTOS = 9


def check_photos(files) -> list[tuple]:
    """(file, ext, content_type) for each upload, or ActionError naming the bad one."""
    files = list(files or ())
    if len(files) > MAX_PHOTOS:
        raise ActionError(_("最多上传 %(n)d 张照片。") % {"n": MAX_PHOTOS}, field="photos")
    checked = []
    for upload in files:
        if upload.size > settings.PHOTO_MAX_BYTES:
            raise ActionError(
                _("照片“%(name)s”超过 %(mb)d MB。")
                % {"name": upload.name, "mb": settings.PHOTO_MAX_BYTES // 1024 // 1024},
                field="photos",
            )
        upload.seek(0)
        kind = image_type(upload.read(16))
        upload.seek(0)
        if kind is None:
            raise ActionError(
                _("“%(name)s”不是 JPEG、PNG 或 WebP 图片。") % {"name": upload.name}, field="photos"
            )
        checked.append((upload, *kind))
    return checked


def store(upload, ext: str, folder: str = "cases") -> str:
    """Save under a server-made name in `folder` (other apps' photos, checked the same
    way, keep their own); returns the storage name."""
    now = timezone.localdate()
    name = f"{folder}/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}"
    return default_storage.save(name, upload)
