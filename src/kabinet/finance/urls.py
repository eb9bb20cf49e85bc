from django.urls import path

from kabinet.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.finance_home, name="home"),
    path("payments/", views.payment_list, name="payments"),
    path("payments/export.xlsx", views.payment_export, {"fmt": "xlsx"}, name="payments-export"),
    path("payments/export.csv", views.payment_export, {"fmt": "csv"}, name="payments-export"),
    path("report/", views.payment_report, name="report"),
    path("report/export.xlsx", views.payment_report_export, {"fmt": "xlsx"}, name="report-export"),
    path("report/export.csv", views.payment_report_export, {"fmt": "csv"}, name="report-export"),
    path("calendar/", views.payment_calendar, name="calendar"),
    path(
        "calendar/export.xlsx",
        views.payment_calendar_export,
        {"fmt": "xlsx"},
        name="calendar-export",
    ),
    path(
        "calendar/export.csv", views.payment_calendar_export, {"fmt": "csv"}, name="calendar-export"
    ),
    path("credit/export.xlsx", views.credit_export, {"fmt": "xlsx"}, name="credit-export"),
    path("credit/export.csv", views.credit_export, {"fmt": "csv"}, name="credit-export"),
    path("acts/", views.act_list, name="acts"),
    path("acts/export.xlsx", views.act_export, {"fmt": "xlsx"}, name="acts-export"),
    path("acts/export.csv", views.act_export, {"fmt": "csv"}, name="acts-export"),
    path("acts/<int:request_id>/act.pdf", views.act_download, name="act-download"),
]
