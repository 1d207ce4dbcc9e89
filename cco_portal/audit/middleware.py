from .services import request_context


class AuditContextMiddleware:
    """Lends the request's client address to the events that services record while it is handled."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)
