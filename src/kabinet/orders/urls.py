from django.urls import path

from kabinet.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("export.xlsx", views.order_export, {"fmt": "xlsx"}, name="export"),
    path("export.csv", views.order_export, {"fmt": "csv"}, name="export"),
    path("<int:order_id>/", views.order_detail, name="detail"),
    path("<int:order_id>/download.xlsx", views.order_download, name="download"),
    path("<int:order_id>/edit/", views.order_edit, name="edit"),
    path("<int:order_id>/send/", views.order_send, name="send"),
    path("<int:order_id>/recall/", views.order_recall, name="recall"),
    path("<int:order_id>/cancel/", views.order_cancel, name="cancel"),
    path("<int:order_id>/repeat/", views.order_repeat, name="repeat"),
    path("<int:order_id>/shortage/", views.order_shortage, name="shortage"),
    path(
        "shipments/<int:shipment_id>/document/", views.shipment_document, name="shipment-document"
    ),
]
