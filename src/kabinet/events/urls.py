from django.urls import path

from kabinet.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("<int:event_id>/", views.event_detail, name="detail"),
    path("<int:event_id>/register/", views.event_register, name="register"),
    path("<int:event_id>/ics/", views.event_ics, name="ics"),
    path(
        "registrations/<int:registration_id>/cancel/",
        views.registration_cancel,
        name="registration-cancel",
    ),
    path("feed/renew/", views.calendar_feed_renew, name="feed-renew"),
    path("feed/revoke/", views.calendar_feed_revoke, name="feed-revoke"),
    path("feed/<str:token>.ics", views.calendar_feed, name="feed"),
]
