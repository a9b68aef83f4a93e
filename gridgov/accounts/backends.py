"""Authentication backend: Django's, with the per-request user load in plain SQL."""

from django.contrib.auth.backends import ModelBackend

from gridgov.accounts.models import User

_BY_ID = f"SELECT * FROM {User._meta.db_table} WHERE id = %s"  # noqa: S608 (fixed table name)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        """Called on every request to load the session's user; skips the query builder."""
        try:
            user = next(iter(User.objects.raw(_BY_ID, [int(user_id)])), None)
        except (TypeError, ValueError):
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
