"""SQLite's writers take turns through the lock file beside the database: the next one
starts when the last commits, the turn is given back however a transaction ends, and
a turn that never comes does not stop the writer for good. SQLite only: PostgreSQL
locks rows and needs none of this."""

import fcntl
import threading

import pytest
from django.db import connection, transaction

from gridgov.core.sqlite import base

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own backend"),
]


@pytest.fixture
def probe():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS writers_probe (n INTEGER)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE writers_probe")


def _lock_path() -> str:
    return connection._writers_lock_path()


def _turn_is_free() -> bool:
    with open(_lock_path(), "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


def _insert(n: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO writers_probe (n) VALUES (%s)", [n])


def test_the_next_writer_starts_after_the_last_one_commits(probe, monkeypatch):
    log, a_writing, b_waits = [], threading.Event(), threading.Event()
    flock = fcntl.flock

    def flock_telling_who_waits(file, operation):
        try:
            return flock(file, operation)
        except BlockingIOError:
            b_waits.set()
            raise

    monkeypatch.setattr(base.fcntl, "flock", flock_telling_who_waits)

    def first():
        try:
            with transaction.atomic():
                _insert(1)
                a_writing.set()
                b_waits.wait(10)  # the second writer has asked for its turn and waits
                log.append("first commits")
        finally:
            connection.close()

    def second():
        try:
            a_writing.wait(10)
            with transaction.atomic():
                log.append("second begins")
                _insert(2)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert b_waits.is_set()
    assert log == ["first commits", "second begins"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM writers_probe ORDER BY n")
        assert [row[0] for row in cursor.fetchall()] == [1, 2]
    assert _turn_is_free()


def test_the_turn_is_given_back_on_commit_and_on_rollback(probe):
    with transaction.atomic():
        _insert(1)
        assert not _turn_is_free()
    assert _turn_is_free()

    with pytest.raises(ZeroDivisionError), transaction.atomic():
        _insert(2)
        1 / 0  # noqa: B018
    assert _turn_is_free()
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM writers_probe")
        assert cursor.fetchall() == [(1,)]


def test_a_turn_that_never_comes_does_not_stop_the_writer(probe, monkeypatch):
    """A stuck holder of the lock file (another program) delays a writer by the busy
    timeout, then SQLite's own lock decides: here it is free, so the write goes in."""
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
    with open(_lock_path(), "a") as stuck:
        fcntl.flock(stuck, fcntl.LOCK_EX)
        with transaction.atomic():
            _insert(1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM writers_probe")
        assert cursor.fetchone()[0] == 1
