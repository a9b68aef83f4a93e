"""Writes of the user's inbox: marking notices read."""

from django.db import transaction
from django.utils import timezone

from gridgov.cases.models import Notice
from gridgov.core import audit


def mark_notices_read(user) -> int:
    """Mark every unread notice of `user` read; returns how many there were."""
    with transaction.atomic():
        count = Notice.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        audit.record(
            user,
            "notices.read",
            object_type="cases.notice",
            object_id=str(user.pk),
            object_repr=str(user),
            after={"count": count},
        )
    return count
