from django.urls import path

from kabinet.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("counterparty/", views.counterparty_switch, name="counterparty-switch"),
]
