from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kabinet.api.endpoints import machine_endpoint
from kabinet.api.erp import urlpatterns as erp_urlpatterns
from kabinet.api.problems import problem_response


@csrf_exempt
def _not_found(request, *args, **kwargs):
    """Any other URL under the API answers like the API, not with the site's HTML page."""
    return problem_response(404, _("Not found"))


urlpatterns = [
    path("erp/v1/", include((erp_urlpatterns(), "erp-api"))),
    re_path(r"^erp/", machine_endpoint(_not_found, logged=False), name="erp-api-not-found"),
]
