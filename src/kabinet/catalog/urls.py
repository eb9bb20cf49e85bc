from django.urls import path

from kabinet.catalog import views
from kabinet.pricing import views as pricing_views

app_name = "catalog"

urlpatterns = [
    path("", views.catalog_list, name="list"),
    path("products/<int:product_id>/", views.product_detail, name="product"),
    path("documents/<int:document_id>/", views.document_download, name="document"),
    path("images/<int:image_id>/", views.image, name="image"),
    path("price-list.xlsx", pricing_views.price_list, name="price-list"),
    path(
        "price-lists/<int:price_list_id>/",
        pricing_views.price_list_status,
        name="price-list-status",
    ),
    path(
        "price-lists/<int:price_list_id>/price-list.xlsx",
        pricing_views.price_list_download,
        name="price-list-download",
    ),
]
