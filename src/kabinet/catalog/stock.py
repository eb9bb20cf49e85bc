"""How availability is shown (B7): exact quantities per warehouse, or levels (none/few/many).

Settings: KABINET_STOCK_DISPLAY = "exact" (default) or "levels"; KABINET_STOCK_FEW — below
this quantity the level is "few" (default 10).
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

NONE, FEW, MANY = "none", "few", "many"
LEVEL_LABELS = {NONE: _("Out of stock"), FEW: _("Few left"), MANY: _("In stock")}
LEVEL_COLOURS = {NONE: "secondary", FEW: "warning", MANY: "success"}


def stock_display() -> str:
    return "levels" if getattr(settings, "KABINET_STOCK_DISPLAY", "exact") == "levels" else "exact"


def stock_level(quantity: Decimal | None) -> str:
    if not quantity or quantity <= 0:
        return NONE
    few_below = Decimal(str(getattr(settings, "KABINET_STOCK_FEW", 10)))
    return FEW if quantity < few_below else MANY
