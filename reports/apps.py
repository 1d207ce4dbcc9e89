from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Customer-room reports"

    def ready(self):
        # The lists behind the figures offer to tell a customer's story at the next meeting; metrics, below the
        # reports, cannot ask for it, so the reports tell metrics (metrics.customer_list_offers).
        from metrics import customer_list_offers

        from .meetings.drilldown import story_offer

        customer_list_offers.register(story_offer)
