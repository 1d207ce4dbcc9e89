"""A real OpenID provider for the tests: tests/e2e/oidc/provider.mjs (the npm package oidc-provider) run with the
machine's Node.js on 127.0.0.1, on a free port, with the portal registered as a client and a few accounts. A test
can make it issue ID tokens no honest provider would (another audience, expired), signed with its own key."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parent.parent / "e2e"
SCRIPT = E2E / "oidc" / "provider.mjs"
CLIENT_ID = "cco-portal"
CLIENT_SECRET = "a-client-secret-only-for-the-tests"
# Another application registered at the same provider: the audience of the tokens meant for someone else.
OTHER_CLIENT = {
    "client_id": "another-application",
    "client_secret": "another-client-secret-only-for-the-tests",
    "redirect_uris": ["http://127.0.0.1/another-application/callback"],
}
# Logins of the provider's accounts: one whose address the provider has verified, one whose it has not.
VERIFIED = "ada@acme.test"
UNVERIFIED = "eve@acme.test"
ACCOUNTS = {
    VERIFIED: {"email_verified": True, "name": "Ada Lovelace"},
    UNVERIFIED: {"email_verified": False, "name": "Eve Unverified"},
}
# How long the provider may take to start (Node.js loading its modules on a busy machine).
START_TIMEOUT_SECONDS = 30


# What the provider can be asked to get wrong in the ID tokens it issues (provider.mjs's FAULTS).
WRONG_AUDIENCE = "audience"
EXPIRED = "expired"


@dataclass(frozen=True)
class RunningProvider:
    issuer: str
    # The secret that the provider's test-control route asks for, so that nothing else on the machine can reach it.
    control_token: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def issue_faulty_id_tokens(self, fault: str) -> None:
        """From now on the provider's ID tokens have `fault` (WRONG_AUDIENCE: meant for OTHER_CLIENT, or EXPIRED),
        re-signed with its own key; "" makes them honest again."""
        request = urllib.request.Request(
            f"{self.issuer}/test-control/id-token-fault?{urllib.parse.urlencode({'fault': fault})}",
            method="POST",
            headers={"Authorization": f"Bearer {self.control_token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 204, response.status


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_provider(portal_urls: list[str]):
    """Start oidc-provider with the portal (at each of `portal_urls`) registered; stopped when the block ends."""
    node = shutil.which("node")
    if node is None or not (E2E / "node_modules" / "oidc-provider").exists():
        pytest.fail("The single sign-on tests need Node.js and tests/e2e's npm packages: run bin/setup-browser.")
    port = _free_port()
    control_token = secrets.token_urlsafe(32)
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{url.rstrip('/')}/sso/callback/" for url in portal_urls],
        "post_logout_redirect_uris": [f"{url.rstrip('/')}/accounts/login/" for url in portal_urls],
    }
    environment = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENTS": json.dumps([client, OTHER_CLIENT]),
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
        "OIDC_CONTROL_TOKEN": control_token,
    }
    # Its output goes to a file: a pipe nobody reads could fill and stop it.
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen([node, str(SCRIPT)], env=environment, stdout=output, stderr=subprocess.STDOUT)
        issuer = f"http://127.0.0.1:{port}"
        try:
            _wait_until_it_answers(issuer, process, output)
            yield RunningProvider(issuer=issuer, control_token=control_token)
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_it_answers(issuer: str, process: subprocess.Popen, output) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)
            pytest.fail(f"oidc-provider stopped: {output.read()}")
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1):
                return
        except OSError:
            time.sleep(0.1)  # a poll: the provider is another process, with nothing to wait on but its port
    pytest.fail(f"oidc-provider did not answer at {issuer} within {START_TIMEOUT_SECONDS} s")
