from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "genbo.networks"
    label = "networks"
    verbose_name = _("Networks and meetings")
