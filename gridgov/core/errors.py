"""The refusal every action raises for a business rule, shown to users as is."""


class ActionError(Exception):
    """A business rule refused the operation; nothing was changed.

    `field` names the form field the message belongs to (None: the whole form).
    Pages show the message beside the field; the API answers 400/409 with it.
    """

    def __init__(self, message, field: str | None = None, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status

    def show_on(self, form) -> None:
        """Put the refusal beside the field it names on `form`, or above the form."""
        form.add_error(self.field if self.field in form.fields else None, self.message)


def check_capability(user, capability: str) -> None:
    """Refuse an action the user's roles do not allow."""
    from django.core.exceptions import PermissionDenied

    if not (user and user.is_authenticated and user.has_capability(capability)):
        raise PermissionDenied(capability)
