from rest_framework.authtoken.views import ObtainAuthToken


class ObtainAuthTokenView(ObtainAuthToken):
    """DRF's token login, with Django's own request handed to authenticate().

    django-axes counts failures and marks a lockout on the request it is given; the lockout response is made by
    its middleware, which sees Django's request, not DRF's wrapper around it.
    """

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "request": self.request._request}
