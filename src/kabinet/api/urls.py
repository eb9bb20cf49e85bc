from django.urls import include, path

from kabinet.api.erp import urlpatterns as erp_urlpatterns

urlpatterns = [
    path("erp/v1/", include((erp_urlpatterns(), "erp-api"))),
]
