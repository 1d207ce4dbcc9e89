"""Refuse, at the edge, a request whose address holds control characters: nothing behind it can store them.

A NUL in a query parameter once made every audited download answer 500, because the audit log's details (JSON in
the database) cannot hold it. No page or API takes control characters in its address, so they are refused
with a 400 before any view, form or log sees them. (Bodies are parsed by forms and serializers, which refuse
them field by field with a message.)"""

import re
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")
PROBLEM = "The address holds a control character (such as NUL or a line break), which no page takes."


class RefuseControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        if _CONTROL.search(unquote_to_bytes(raw_query)) or _CONTROL.search(request.path.encode("utf-8", "replace")):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": PROBLEM}, status=400)
            return HttpResponseBadRequest(PROBLEM, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
