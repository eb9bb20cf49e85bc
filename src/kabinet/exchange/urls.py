from django.conf import settings
from django.urls import path

from kabinet.exchange import views

app_name = "exchange"

urlpatterns = [
    path(settings.KABINET_EXCHANGE_PATH, views.exchange_1c, name="1c"),
]
