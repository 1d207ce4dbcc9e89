"""docker-compose.yml's proxy refuses a body larger than the portal takes, with the portal's own limit, and is
the only way in: gunicorn has no body-size setting, so a body that reached it would be read whole."""

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    # The file's ${NAME:-default} substitutions are compose's; YAML reads them as plain strings.
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _default_of(value: str) -> int:
    match = re.fullmatch(r"\$\{METRICS_MAX_UPLOAD_BYTES:-(\d+)\}", value)
    assert match, value
    return int(match.group(1))


def test_the_proxy_and_the_portal_take_the_same_largest_body():
    services = _compose()["services"]
    template = (ROOT / "deploy/proxy/default.conf.template").read_text()

    assert "client_max_body_size ${METRICS_MAX_UPLOAD_BYTES};" in template
    assert (
        _default_of(services["proxy"]["environment"]["METRICS_MAX_UPLOAD_BYTES"]) == settings.METRICS_MAX_UPLOAD_BYTES
    )
    assert _default_of(services["web"]["environment"]["METRICS_MAX_UPLOAD_BYTES"]) == settings.METRICS_MAX_UPLOAD_BYTES


def test_only_the_proxy_is_published():
    services = _compose()["services"]

    published = {name for name, service in services.items() if "8000:8000" in service.get("ports", [])}

    assert published == {"proxy"}
    assert "proxy_pass http://web:8000;" in (ROOT / "deploy/proxy/default.conf.template").read_text()
