from django.urls import path

from kabinet.cart.views import cart, saved

app_name = "cart"

urlpatterns = [
    path("", cart.cart_detail, name="detail"),
    path("mini/", cart.cart_mini, name="mini"),
    path("lines/add/", cart.cart_line_add, name="line-add"),
    path("lines/add-all/", cart.cart_lines_add, name="lines-add"),
    path("lines/<int:variant_id>/", cart.cart_line_update, name="line-update"),
    path("lines/<int:variant_id>/remove/", cart.cart_line_remove, name="line-remove"),
    path("clear/", cart.cart_clear, name="clear"),
    path("checkout/", cart.cart_checkout, name="checkout"),
    path("saved/", saved.saved_list, name="saved"),
    path("saved/new/", saved.saved_create, name="save-as"),
    path("saved/<int:cart_id>/", saved.saved_detail, name="saved-detail"),
    path("saved/<int:cart_id>/load/", saved.saved_load, name="saved-load"),
    path("saved/<int:cart_id>/rename/", saved.saved_rename, name="saved-rename"),
    path("saved/<int:cart_id>/share/", saved.saved_share, name="saved-share"),
    path("saved/<int:cart_id>/delete/", saved.saved_delete, name="saved-delete"),
]
