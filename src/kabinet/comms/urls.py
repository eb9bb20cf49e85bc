from django.urls import path

from kabinet.comms import views

app_name = "comms"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notifications_read_all, name="read-all"),
    path("badge/", views.notification_badge, name="badge"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
]
