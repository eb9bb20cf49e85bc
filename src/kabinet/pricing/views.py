"""The personal price list download (B8), routed as `catalog:price-list`."""

import tempfile

from django.http import FileResponse, Http404
from django.utils.timezone import localdate
from django.views.decorators.http import require_safe

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.pricing.pricelist import XLSX_CONTENT_TYPE, price_list_write
from kabinet.web.selectors import current_agreement


@partner_view(Section.CATALOG)
@require_safe
def price_list(request):
    """The current agreement's assortment at the partner's prices, as XLSX.

    Built into a temporary file (constant memory) and streamed from it; the file disappears
    when the response is closed.
    """
    agreement = current_agreement(request)
    if agreement is None:
        raise Http404
    # Not a `with` block: FileResponse closes (and so deletes) the file once it is sent.
    output = tempfile.TemporaryFile(prefix="kabinet-price-list-")  # noqa: SIM115
    try:
        price_list_write(scope=request.scope, agreement=agreement, output=output)
        output.seek(0)
    except BaseException:
        output.close()
        raise
    return FileResponse(
        output,
        as_attachment=True,
        filename=f"price-list-{localdate():%Y-%m-%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
