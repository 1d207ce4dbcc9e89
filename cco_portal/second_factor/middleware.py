"""The gate: a signed-in person who owes a second factor can do nothing else until they give it.

Someone with an authenticator whose session has not passed it yet is sent to give a code; someone whose role
requires one and who has none is sent to set it up. However they signed in (the password form, single sign-on
or anything else that calls `django.contrib.auth.login`), the session counts only once `django_otp.login` marks
it verified. Pages redirect; API requests made with the session are refused with the reason in JSON. API
tokens are only issued after the second factor (`services.check_token_sign_in`).
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import selectors, services

# What a person who owes a second factor may still open: giving it, and leaving.
OPEN_VIEWS = frozenset({"second_factor:setup", "second_factor:verify", "logout", "login", "healthz"})


class SecondFactorGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified() or self._is_open(request):
            return None
        if selectors.has_second_factor(user):
            return self._send_to(
                request,
                "second_factor:verify",
                _("Enter the code of your authenticator app to finish signing in."),
            )
        if services.must_set_up(user):
            return self._send_to(
                request,
                "second_factor:setup",
                _("Your role requires a second factor: set up an authenticator app before anything else."),
            )
        return None

    @staticmethod
    def _is_open(request) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return True
        match = request.resolver_match
        return match is not None and match.view_name in OPEN_VIEWS

    @staticmethod
    def _send_to(request, view_name: str, reason: str):
        url = reverse(view_name)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": reason, "where": request.build_absolute_uri(url)}, status=403)
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return redirect(url)
