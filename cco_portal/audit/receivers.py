"""Sign-in events, heard from Django's auth signals and django-axes's lockout signal.

The address tried on a failed sign-in is kept lower-case in `target`, as the lockout counts it, so that an
admin sees the failures against a colleague's account; the password never is. (Django has already replaced
it in the credentials it sends; only the username is read from them anyway.)
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from cco_portal.accounts.lockout import username_of

from .models import Action
from .services import record_event


def _email(user) -> str:
    return user.email.lower()


def signed_in(sender, request, user, **kwargs):
    # A sign-in other than with a password (single sign-on) names itself on the request.
    via = getattr(request, "signed_in_via", None)
    record_event(
        action=Action.SIGNED_IN, actor=user, request=request, target=_email(user), **({"via": via} if via else {})
    )


def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record_event(action=Action.SIGNED_OUT, actor=user, request=request, target=_email(user))


def sign_in_failed(sender, credentials, request=None, **kwargs):
    # django-axes hears this signal first (its app is installed before this one): an attempt that it
    # refuses, or that starts a pause, is recorded once, as a lockout.
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    # A wrong second-factor code says so (cco_portal/second_factor/services.py); a wrong password has no details.
    details = {key: credentials[key] for key in ("via", "reason") if (credentials or {}).get(key)}
    record_event(action=Action.SIGN_IN_FAILED, request=request, target=_tried(request, credentials), **details)


def locked_out(sender, request, username, **kwargs):
    record_event(
        action=Action.LOCKED_OUT,
        request=request,
        target=(username or "").lower(),
        failures=getattr(request, "axes_failures_since_start", None),
    )


def _tried(request, credentials) -> str:
    if request is None:
        username = (credentials or {}).get("username")
        return username.strip().lower() if isinstance(username, str) else ""
    return username_of(request, credentials) or ""


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    user_logged_out.connect(signed_out, dispatch_uid="audit.signed_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit.locked_out")
