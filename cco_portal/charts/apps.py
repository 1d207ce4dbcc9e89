from django.apps import AppConfig


class ChartsConfig(AppConfig):
    """The portal's charts: their geometry, their palette and the templates/charts/ tag library."""

    name = "cco_portal.charts"
    label = "charts"
