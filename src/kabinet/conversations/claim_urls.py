from django.urls import path

from kabinet.conversations import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/<int:order_id>/", views.claim_create, name="create"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
]
