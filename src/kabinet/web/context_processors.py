from django.conf import settings

from kabinet.accounts.models import Section
from kabinet.web.menu import menu_for


def portal(request):
    """What the base layout needs: supplier name, the menu, the partner and its manager."""
    context = {"supplier_name": settings.KABINET_SUPPLIER_NAME, "Section": Section}
    scope = getattr(request, "scope", None)
    if scope is not None:
        context.update(menu_for(request))
    return context
