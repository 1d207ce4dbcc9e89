"""The Celery application: configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

from cco_portal.organizations.querysets import require_scoping, restore_scoping

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cco_portal.settings.local")

app = Celery("cco_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The token of each running task, to restore what was before it: an eager task may run inside a request.
_scoping_tokens = {}


@task_prerun.connect
def require_organization_scoping(task_id=None, **kwargs):
    """A task must scope its queries to an organization, as a web request must (organizations/querysets.py)."""
    _scoping_tokens[task_id] = require_scoping()


@task_postrun.connect
def release_organization_scoping(task_id=None, **kwargs):
    token = _scoping_tokens.pop(task_id, None)
    if token is not None:
        restore_scoping(token)
