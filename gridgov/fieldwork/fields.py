"""Model fields the fieldwork records share."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def client_id_field():
    """The phone's id of the item (a UUID made offline): unique, so an item sent twice
    is a duplicate, never a second row. Records made on a page have none."""
    return models.UUIDField(_("客户端编号"), null=True, blank=True, unique=True, editable=False)


def worker_field(label):
    """The user who did the work (never deleted: users are deactivated)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=label, on_delete=models.PROTECT, related_name="+"
    )
