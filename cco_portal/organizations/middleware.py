from .querysets import organization_scoping_required


class OrganizationScopingMiddleware:
    """Requires organization-scoped querysets to name their organization for the whole request.

    A streaming response's body is produced after this returns, outside the guard.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with organization_scoping_required():
            return self.get_response(request)
