from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event


class ObtainAuthTokenView(ObtainAuthToken):
    """DRF's token login, with Django's own request handed to authenticate().

    django-axes counts failures and marks a lockout on the request it is given; the lockout response is made by
    its middleware, which sees Django's request, not DRF's wrapper around it.
    """

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        # DRF's own post, plus the audit log: a token login never calls login(), so Django's user_logged_in,
        # which records the other sign-ins, is not sent for it.
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        record_event(action=Action.SIGNED_IN, actor=user, request=request, target=user.email.lower(), via="api token")
        return Response({"token": token.key})
