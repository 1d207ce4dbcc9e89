from django.apps import AppConfig

from cco_portal.organizations.querysets import require_scoping, restore_scoping


class RoadmapConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "roadmap"

    def ready(self):
        from simple_history.signals import post_create_historical_record, pre_create_historical_record

        pre_create_historical_record.connect(_let_history_read_its_row, dispatch_uid="roadmap_history_unscoped")
        post_create_historical_record.connect(_restore_scoping, dispatch_uid="roadmap_history_rescoped")


def _let_history_read_its_row(sender, history_instance, **kwargs):
    """django-simple-history reads the milestone it records again by its pk, through `Milestone.objects`
    (for the fields the history leaves out); it is the row just saved, so the scoping guard lets it."""
    history_instance._scoping_token = require_scoping(False)


def _restore_scoping(sender, history_instance, **kwargs):
    restore_scoping(history_instance._scoping_token)
