"""How a machine signs in to the API: a bearer token its user made."""

from django.utils import timezone
from ninja.security import HttpBearer

from gridgov.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer gg_…` with a token the user made and has not revoked."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user
