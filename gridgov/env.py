"""Typed readers for settings that come from environment variables.

Every setting a deployment can change is read here, so that a bad value stops the
process at start-up with a message naming the variable, instead of failing later in a
request.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off."
    )


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, sqlite_path: Path) -> dict:
    """Parse a `postgres://user:pass@host:port/db` URL, or give the SQLite default.

    SQLite runs in WAL mode with IMMEDIATE transactions and a busy timeout, so that
    the web workers and the task worker can write beside each other without
    "database is locked" errors.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {
            "ENGINE": "gridgov.core.sqlite",
            "NAME": sqlite_path,
            # Keep each worker's connection: opening one re-runs the PRAGMAs below.
            "CONN_MAX_AGE": 600,
            # Tests use a file too: an in-memory database makes a second connection fail
            # at once ("table is locked") instead of waiting, so concurrency can't be tested.
            "TEST": {"NAME": str(Path(sqlite_path).with_name("test_gridgov.sqlite3"))},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
                ),
            },
        }
    url = urlsplit(raw)
    if url.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"{name}={raw.split('@')[-1]!r}: only postgres:// URLs are supported "
            "(leave it unset for SQLite)."
        )
    db_name = unquote(url.path.lstrip("/"))
    if not db_name:
        raise ImproperlyConfigured(f"{name} must name a database, e.g. postgres://host/gridgov.")
    try:
        port = url.port
    except ValueError:
        raise ImproperlyConfigured(f"{name} has a bad port number.") from None
    options = {k: v[-1] for k, v in parse_qs(url.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": db_name,
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def secret_key(data_dir: Path) -> str:
    """GRIDGOV_SECRET_KEY, or a key generated once and kept under the data dir."""
    key = os.environ.get("GRIDGOV_SECRET_KEY", "").strip()
    if key:
        if len(key) < 50:
            raise ImproperlyConfigured("GRIDGOV_SECRET_KEY must be at least 50 characters long.")
        return key
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it a moment ago
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(64))
    return path.read_text().strip()
