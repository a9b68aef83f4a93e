"""Personal data at rest: ID and phone numbers encrypted, with a keyed blind index.

Each protected value is stored three ways, computed once at write:
- `cipher`: Fernet (AES-128-CBC + HMAC), readable only through `reveal`;
- `index`: HMAC-SHA256 of the normalised value, for exact lookup and uniqueness
  without decrypting anything (search by ID number, duplicate checks on import);
- `masked`: the PIPL display form (`440105********1234`, `138****5678`), so lists,
  exports and logs never need the clear value.

Keys are derived from GRIDGOV_FIELD_KEY (or, if unset, the secret key) with HKDF, one
key per purpose, so the index key cannot decrypt and the cipher key cannot index.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from gridgov.core.masking import mask_id_number, mask_phone


@cache
def _key(purpose: bytes) -> bytes:
    master = (getattr(settings, "FIELD_KEY", "") or settings.SECRET_KEY).encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"gridgov", info=purpose).derive(master)


@cache
def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key(b"field-encryption")))


def normalise(value: str) -> str:
    """ID numbers compare upper-case without spaces; phones without separators."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def blind_index(value: str) -> str:
    """The lookup key of a value: same input, same index; nothing to reverse."""
    digest = hmac.new(_key(b"blind-index"), normalise(value).encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def reveal(cipher: str) -> str:
    """The clear value. Callers log the access (core.audit.log_access) before showing it."""
    if not cipher:
        return ""
    try:
        return _fernet().decrypt(cipher.encode()).decode()
    except InvalidToken:
        return ""


@dataclass(frozen=True)
class Protected:
    cipher: str
    index: str
    masked: str


def protect(value: str | None, kind: str) -> Protected:
    """Encrypt, index and mask one value; `kind` is "id" or "phone"."""
    value = normalise(value or "")
    if not value:
        return Protected("", "", "")
    masker = mask_id_number if kind == "id" else mask_phone
    return Protected(encrypt(value), blind_index(value), masker(value))
