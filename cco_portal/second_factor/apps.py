from django.apps import AppConfig


class SecondFactorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cco_portal.second_factor"
    label = "second_factor"
    verbose_name = "Second factor"
