"""The endpoint 1C calls: /exchange/1c/?type=catalog|sale&mode=… (see protocol.py).

Every answer is HTTP 200 with plain text; an exception never reaches 1C as an HTML page.
"""

import base64
import binascii
import logging
import time

from django.conf import settings
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kabinet.accounts.access import machine_view
from kabinet.exchange import services
from kabinet.exchange.accounts import Refused, exchange_authenticate, exchange_user_may
from kabinet.exchange.models import ExchangeSession
from kabinet.exchange.orders_out import orders_query, orders_success
from kabinet.exchange.protocol import SUCCESS, answer, failure

logger = logging.getLogger(__name__)
KINDS = {ExchangeSession.Kind.CATALOG, ExchangeSession.Kind.SALE}


def _basic_user(request):
    """The exchange user of the request's Basic credentials; None without credentials.

    Raises ExchangeError with the plain-text reason for wrong ones (never the portal's login
    throttle: its lockout page is HTML and would lock the supplier out of its own exchange).
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        login, _sep, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    try:
        return exchange_authenticate(
            login=login, password=password, remote_addr=request.META.get("REMOTE_ADDR")
        )
    except Refused as refused:
        reason = _("Wrong login or password, or no right to exchange.")
        if refused.delay:
            reason += " " + _(
                "Too many wrong attempts from this address: each one is answered after "
                "%(seconds)s s. The right password is always accepted."
            ) % {"seconds": f"{refused.delay:g}"}
        raise services.ExchangeError(reason) from None


def _session(request, kind):
    token = request.COOKIES.get(services.COOKIE_NAME)
    if token:
        session = (
            ExchangeSession.objects.filter(token=token, kind=kind).select_related("user").first()
        )
        if session is not None and exchange_user_may(session.user):
            return session
    user = _basic_user(request)
    if user is None:
        return None
    return services.exchange_session_for_user(
        user=user, kind=kind, remote_addr=request.META.get("REMOTE_ADDR")
    )


@csrf_exempt
@machine_view
def exchange_1c(request):
    kind, mode = request.GET.get("type", ""), request.GET.get("mode", "")
    try:
        return _dispatch(request, kind, mode)
    except services.ExchangeError as error:
        return failure(str(error))
    except Exception:
        logger.exception("1C exchange: type=%s mode=%s failed", kind, mode)
        return failure(_("Internal error on the site; see the exchange log."))


def _dispatch(request, kind, mode):
    if kind not in KINDS:
        return failure(_("Unknown type: %(type)s") % {"type": kind})
    if mode == "checkauth":
        user = _basic_user(request)
        if user is None:
            return failure(_("Wrong login or password, or no right to exchange."))
        session = services.exchange_session_start(
            user=user, kind=kind, remote_addr=request.META.get("REMOTE_ADDR")
        )
        return answer(
            SUCCESS,
            services.COOKIE_NAME,
            session.token,
            f"sessid={session.sessid}",
            f"timestamp={int(time.time())}",
        )
    session = _session(request, kind)
    if session is None:
        return failure(_("Not authorised: call checkauth first."))
    if mode == "init":
        session = services.exchange_init(session=session, version=request.GET.get("version", ""))
        lines = [
            f"zip={'yes' if session.zip else 'no'}",
            f"file_limit={settings.KABINET_EXCHANGE_FILE_LIMIT}",
        ]
        if session.version:
            lines += [f"sessid={session.sessid}", f"version={session.version}"]
        return answer(*lines)
    if mode == "file":
        if request.method != "POST":
            return failure(_("Files are sent with POST."))
        file = services.exchange_file_append(
            session=session, filename=request.GET.get("filename", ""), stream=request
        )
        if kind == ExchangeSession.Kind.SALE and not session.version:
            # The old order flow: 1C expects the documents imported on upload.
            state = services.exchange_import_now(session=session, file=file)
            return answer(state.keyword, state.message)
        return answer(SUCCESS)
    if mode == "import":
        state = services.exchange_import_step(
            session=session, filename=request.GET.get("filename", "")
        )
        return answer(state.keyword, state.message)
    if mode == "deactivate":
        return answer(SUCCESS, _("Nothing to deactivate: full packages deactivate on import."))
    if mode == "complete":
        services.exchange_complete(session=session)
        return answer(SUCCESS)
    if kind == ExchangeSession.Kind.SALE and mode == "query":
        return orders_query(session=session)
    if kind == ExchangeSession.Kind.SALE and mode == "success":
        count = orders_success(session=session)
        return answer(SUCCESS, _("%(count)s orders confirmed") % {"count": count})
    return failure(_("Unknown command: %(mode)s") % {"mode": mode})
