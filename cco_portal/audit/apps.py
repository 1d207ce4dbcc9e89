from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cco_portal.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        # Sign-ins, failures, sign-outs and lockouts are the framework's events (Django's auth signals and
        # django-axes's user_locked_out), not steps of the portal's own flow: a receiver is the one place that
        # hears all of them, whichever login (page, admin, API token) raised them.
        from . import receivers

        receivers.connect()
