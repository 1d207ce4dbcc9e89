"""The OpenAPI schema and its documentation page, for people and for client generators."""

from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView


class SchemaView(SpectacularAPIView):
    """The schema as YAML (the default) or JSON, chosen by `?format=yaml|json` or the Accept header.

    JSON is served as application/json, which browsers show rather than download. A browser that asks
    for a page and names no format is sent to the documentation, the schema's readable view."""

    renderer_classes = [OpenApiYamlRenderer, OpenApiYamlRenderer2, OpenApiJsonRenderer2, OpenApiJsonRenderer]

    @extend_schema(exclude=True)  # as the view's own get is: the schema does not describe itself
    def get(self, request, *args, **kwargs):
        if "format" not in request.query_params and "text/html" in request.headers.get("Accept", ""):
            return redirect("api-docs")
        return super().get(request, *args, **kwargs)


class DocsView(SpectacularSwaggerView):
    """Swagger UI. It reads the schema as JSON, so its link to the schema opens in the browser too."""

    url = format_lazy("{}?format=json", reverse_lazy("api-schema"))
