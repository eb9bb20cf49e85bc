from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "kabinet.imports"
    label = "imports"
    verbose_name = _("Quick order from a file")
