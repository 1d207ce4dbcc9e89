from django.core.exceptions import PermissionDenied

from .selectors import is_password_sign_in_refused


class PasswordOffForSingleSignOnBackend:
    """Refuses the password of someone whose organization requires its company account, wherever a password is
    tried (the sign-in page says why with the way in; the API's token login and Django's admin refuse alike).
    Raising PermissionDenied stops the backends after this one, and Django records the failed sign-in. It keeps no
    sessions (no get_user), so a session is never tied to it, as django-axes's backend is not."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and password is not None and is_password_sign_in_refused(username):
            raise PermissionDenied
        return None
