"""Uploads an import refuses before reading them: too large, an archive (however much it would unpack
to), a document or other binary data. Each is refused with what to do instead, and nothing is stored."""

import gzip
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser
from django.test import Client
from rest_framework.test import APIClient

from cco_portal.organizations.roles import Role
from metrics import services
from metrics.models import ActivityImport
from metrics.uploads import content_problem

CSV = b"customer_id,period,revenue,segment\nann,2024-01,100,North\n"


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activity.csv", CSV)
    return buffer.getvalue()


# 64 MiB of zeros that compress to ~64 KB: refused by its first bytes, never unpacked.
GZIP_BOMB = gzip.compress(b"\x00" * 64 * 1024 * 1024, compresslevel=9)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (zipped(), "This is a ZIP archive"),
        (GZIP_BOMB, "This is a gzip-compressed file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "This is a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This file holds binary data"),
    ],
    ids=["zip", "gzip-bomb", "pdf", "binary"],
)
def test_a_file_that_is_not_csv_text_is_refused_unread(organization, cco_user, content, expected):
    """Given an archive, a document or binary data, start_import refuses it and stores nothing."""
    upload = SimpleUploadedFile("activity.csv", content, content_type="text/csv")

    with pytest.raises(ValidationError) as refused:
        services.start_import(organization=organization, uploaded_file=upload, created_by=cco_user)

    assert expected in refused.value.message_dict["file"][0]
    assert "CSV (UTF-8)" in refused.value.message_dict["file"][0]
    assert not ActivityImport.objects.exists()


def test_utf16_text_is_left_to_the_import_which_names_the_encoding():
    """UTF-16 is text (with NULs between Latin letters): the import's own message names the encoding."""
    assert content_problem(CSV.decode().encode("utf-16-le")) is None
    assert content_problem(CSV.decode().encode("utf-16")) is None
    assert content_problem(CSV) is None


def test_a_file_over_the_limit_is_refused_with_the_limit(organization, cco_user, settings):
    """The message says how large the file is, the limit, and what to do."""
    settings.METRICS_MAX_UPLOAD_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.csv", CSV + b"ann,2024-02,1,North\n" * 60_000, content_type="text/csv")

    with pytest.raises(ValidationError) as refused:
        services.start_import(organization=organization, uploaded_file=upload, created_by=cco_user)

    message = refused.value.message_dict["file"][0]
    assert "The file is 1.1 MB; files of up to 1.0 MB can be imported." in message
    assert "Split it by month" in message
    assert not ActivityImport.objects.exists()


@pytest.fixture
def body_never_read(monkeypatch):
    """Fail the test if anything parses a request body (the CSRF check would, to find a form's token)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the request body was read")

    monkeypatch.setattr(MultiPartParser, "parse", refuse)
    monkeypatch.setattr(HttpRequest, "read", refuse)


def test_the_upload_page_refuses_a_body_over_the_limit_before_reading_it(
    organization, member_of, settings, body_never_read
):
    """A request that declares more bytes than any import takes gets 413 with the reason, before the CSRF check
    or anything else reads its body."""
    # given
    settings.METRICS_MAX_UPLOAD_BYTES = 1024
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_of(Role.CCO))
    big = SimpleUploadedFile("big.csv", CSV * 5000, content_type="text/csv")

    # when
    response = client.post(f"/o/{organization.slug}/metrics/imports/", {"file": big, "kind": "activity"})

    # then
    assert response.status_code == 413
    assert "files of up to 0.0 MB can be imported" in response.content.decode()
    assert "Split it by month" in response.content.decode()
    assert not ActivityImport.objects.exists()


def test_any_other_route_refuses_a_body_over_the_general_limit_unread(
    organization, member_of, settings, body_never_read
):
    """A form or API route that takes no file refuses a body over REQUEST_MAX_BODY_BYTES with 413, unread,
    however large the import limit is."""
    # given
    settings.REQUEST_MAX_BODY_BYTES = 1024
    person = member_of(Role.CCO)
    page, api = Client(enforce_csrf_checks=True), APIClient()
    page.force_login(person)
    api.force_authenticate(person)
    padding = "x" * 4096

    # when
    form = page.post(f"/o/{organization.slug}/roadmap/milestones/new/", {"title": padding})
    json = api.post(f"/api/v1/orgs/{organization.slug}/roadmap/milestones/", {"title": padding}, format="json")

    # then
    assert form.status_code == 413
    assert "this address takes up to" in form.content.decode()
    assert json.status_code == 413
    assert "this address takes up to" in json.json()["detail"]


def test_the_api_answers_413_to_a_body_over_the_limit(organization, member_of, settings, body_never_read):
    settings.METRICS_MAX_UPLOAD_BYTES = 1024
    client = APIClient()
    client.force_authenticate(member_of(Role.CCO))
    big = SimpleUploadedFile("big.csv", CSV * 5000, content_type="text/csv")

    response = client.post(f"/api/v1/orgs/{organization.slug}/imports/", {"file": big}, format="multipart")

    assert response.status_code == 413
    assert "Split it by month" in response.json()["detail"]
    assert not ActivityImport.objects.exists()


def test_the_api_refuses_an_archive_with_the_reason(organization, member_of):
    client = APIClient()
    client.force_authenticate(member_of(Role.CCO))
    archive = SimpleUploadedFile("activity.zip", zipped(), content_type="application/zip")

    response = client.post(f"/api/v1/orgs/{organization.slug}/imports/", {"file": archive}, format="multipart")

    assert response.status_code == 400
    assert "This is a ZIP archive" in str(response.json())
    assert not ActivityImport.objects.exists()
