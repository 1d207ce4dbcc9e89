"""Refuse a request body larger than its route takes before anything reads it.

Django's CSRF check reads a form's body to find its token, and a multipart body is spooled to disk as it is
read, so a limit checked in the view comes after a 300 MB body has already been received. This middleware
stands before both and judges the declared Content-Length alone: without one, Django reads no body at all.
Routes that take files say how much with a `max_request_bytes()` on their view class (and may explain the limit
with `too_large_message(size)`); every other route takes `REQUEST_MAX_BODY_BYTES`.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _


class RequestBodySizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = _declared_length(request)
        if declared:
            view_class = _view_class(request)
            if hasattr(view_class, "max_request_bytes"):
                limit = view_class.max_request_bytes()
            else:
                limit = settings.REQUEST_MAX_BODY_BYTES
            if declared > limit:
                return _too_large(request, view_class, declared, limit)
        return self.get_response(request)


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _view_class(request: HttpRequest):
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    # A class-based view keeps its class as view_class; a DRF viewset's view keeps it as cls.
    return getattr(view, "view_class", None) or getattr(view, "cls", None)


def _too_large(request: HttpRequest, view_class, declared: int, limit: int) -> HttpResponse:
    if hasattr(view_class, "too_large_message"):
        message = view_class.too_large_message(declared)
    else:
        message = _("The request is %(size)s; this address takes up to %(limit)s.") % {
            "size": _megabytes(declared),
            "limit": _megabytes(limit),
        }
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    return render(request, "413.html", {"message": message}, status=413)


def _megabytes(size: int) -> str:
    return _("%(size)s MB") % {"size": f"{size / 1024 / 1024:,.1f}"}
