"""Sending text messages. Deployments plug in their SMS gateway by naming a class with a
`send(phone, text)` method in GRIDGOV_SMS_SENDER; the default writes each message to the
log with the phone masked, and tests collect them in `outbox`."""

import logging
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from gridgov.core.masking import mask_phone

log = logging.getLogger("gridgov.sms")
outbox: list[tuple[str, str]] = []


class LoggingSender:
    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


class MemorySender:
    """Keeps messages in `outbox` (tests and the browser test read them)."""

    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


@cache
def _sender_class(path: str):
    return import_string(path)


def send_sms(phone: str, text: str) -> None:
    if phone:
        _sender_class(settings.SMS_SENDER)().send(phone, text)
