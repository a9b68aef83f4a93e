"""SQLite whose writers take turns through a file lock beside the database.

SQLite lets one writer in at a time. The others wait in its busy handler, which
sleeps 1, 2, 5, 10, 15, 20 … ms between tries: when twenty windows press "call next"
together, the database stands idle while the waiters sleep, and the last ones wait
far longer than the work ahead of them. Here every IMMEDIATE transaction (all of
ours, see `gridgov.env`) first takes an exclusive `flock` on `<database>-writers`,
trying again every fraction of a millisecond, so the next writer starts as soon as
the last one commits. SQLite's own lock and busy timeout still stand behind it, for
writes outside a transaction and for other programs. A writer that cannot get its
turn within the busy timeout goes on to SQLite, which then says the database is
locked, as before.
"""

import fcntl
import time

from django.db.backends.sqlite3 import base

POLL_SECONDS = (0.0002, 0.001)  # first and longest pause between tries


class DatabaseWrapper(base.DatabaseWrapper):
    _turn_file = None  # the open lock file, while this connection's transaction runs

    def _writers_lock_path(self) -> str | None:
        if self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE") or self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}-writers"

    def _take_turn(self) -> None:
        path = self._writers_lock_path()
        if path is None:
            return
        turn = open(path, "a")  # noqa: SIM115 - held until the transaction ends
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        pause = POLL_SECONDS[0]
        while True:
            try:
                fcntl.flock(turn, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    turn.close()
                    return
                time.sleep(pause)
                pause = min(pause * 2, POLL_SECONDS[1])
        self._turn_file = turn

    def _end_turn(self) -> None:
        turn, self._turn_file = self._turn_file, None
        if turn is not None:
            turn.close()  # closing the file releases its lock

    def _start_transaction_under_autocommit(self):
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._end_turn()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._end_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._end_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._end_turn()
