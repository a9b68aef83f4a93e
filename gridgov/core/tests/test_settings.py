"""Settings come from the environment; a bad value stops start-up with its name."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gridgov.env import env_bool, env_database, env_int

ROOT = Path(__file__).resolve().parents[3]


def test_env_bool_names_the_variable(monkeypatch):
    monkeypatch.setenv("GRIDGOV_DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="GRIDGOV_DEBUG"):
        env_bool("GRIDGOV_DEBUG")


def test_env_int_names_the_variable(monkeypatch):
    monkeypatch.setenv("GRIDGOV_EMAIL_PORT", "twenty-five")
    with pytest.raises(ImproperlyConfigured, match="GRIDGOV_EMAIL_PORT"):
        env_int("GRIDGOV_EMAIL_PORT", 25)


def test_database_url_must_be_postgres(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", tmp_path / "db.sqlite3")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p%40ss@db.example:6543/grid")
    db = env_database("DATABASE_URL", tmp_path / "db.sqlite3")
    assert (db["HOST"], db["PORT"], db["PASSWORD"], db["NAME"]) == (
        "db.example",
        "6543",
        "p@ss",
        "grid",
    )


def test_sqlite_default_runs_in_wal_with_immediate_transactions(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = env_database("DATABASE_URL", tmp_path / "db.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def _manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GRIDGOV_")}
    environment.pop("DATABASE_URL", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_bad_variable_stops_startup_with_a_clear_message(tmp_path):
    result = _manage("check", GRIDGOV_DATA_DIR=str(tmp_path), GRIDGOV_DEBUG="maybe")
    assert result.returncode != 0
    assert "GRIDGOV_DEBUG" in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        GRIDGOV_DATA_DIR=str(tmp_path),
        GRIDGOV_SECRET_KEY="k" * 20 + "-production-secret-key-0123456789abcdef",
        GRIDGOV_ALLOWED_HOSTS="gridgov.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_secret_key_is_generated_once_and_kept(tmp_path):
    from gridgov.env import secret_key

    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


# The task worker (django_tasks_db's db_worker) sets its loggers to INFO and then logs
# one line per task; this runs its own logging set-up and logs as it does.
_WORKER_LOGS = """
import logging
from django_tasks_db.management.commands.db_worker import Command
Command().configure_logging(verbosity=1)
logging.getLogger("django.tasks").info("Task id=1 state=RUNNING")
logging.getLogger("django_tasks_db").info("Task id=1 state=SUCCESSFUL")
logging.getLogger("django.tasks").warning("Task id=2 state=FAILED")
"""


def test_task_logs_go_to_a_file_and_only_warnings_to_the_terminal(tmp_path):
    result = _manage("shell", "-c", _WORKER_LOGS, GRIDGOV_DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    terminal = result.stdout + result.stderr
    assert "state=FAILED" in terminal
    assert "RUNNING" not in terminal and "SUCCESSFUL" not in terminal
    logged = (tmp_path / "logs" / "tasks.log").read_text()
    assert "state=RUNNING" in logged and "state=SUCCESSFUL" in logged and "state=FAILED" in logged
