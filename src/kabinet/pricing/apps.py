from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "kabinet.pricing"
    label = "pricing"
    verbose_name = _("Pricing")

    def ready(self) -> None:
        from kabinet.pricing.signals import price_version_signals_connect

        price_version_signals_connect()
