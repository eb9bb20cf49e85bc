"""The partner's pages: conversations with the manager (I2) and claims (I3)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kabinet.accounts.access import partner_view
from kabinet.accounts.models import Section
from kabinet.conversations import selectors, services
from kabinet.conversations.files import ACCEPTED_EXTENSIONS, MAX_FILE_SIZE, MAX_FILES
from kabinet.conversations.workflow import ClaimReason


def upload_limits() -> dict:
    return {
        "accept": ",".join(f".{ext}" for ext in ACCEPTED_EXTENSIONS),
        "max_files": MAX_FILES,
        "max_mb": MAX_FILE_SIZE // (1024 * 1024),
    }


def _refused(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def file_response(attachment, *, thumbnail: bool = False) -> FileResponse:
    """An attachment's bytes: images inline (re-encoded JPEG), anything else as a download."""
    field = attachment.thumbnail if thumbnail else attachment.file
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not attachment.is_image,
        filename=attachment.name,
        content_type=attachment.content_type if not thumbnail else "image/jpeg",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@partner_view()
def message_badge(request):
    """The header's unread-messages button, loaded by htmx after the page: every page of the
    portal would otherwise pay for the count (the catalog keeps to its query budget)."""
    return render(
        request,
        "conversations/badge.html",
        {"unread_messages": selectors.unread_count(request.scope), "badge_loaded": True},
    )


@partner_view()
def conversation_list(request):
    scope = request.scope
    return render(
        request,
        "conversations/list.html",
        {
            "conversations": selectors.conversation_list(scope),
            "general": selectors.conversation_general(scope),
        },
    )


def _thread_page(request, *, conversation, order=None, text=""):
    if conversation is not None:
        services.conversation_read(conversation=conversation, user=request.scope.user)
    return render(
        request,
        "conversations/thread.html",
        {
            "conversation": conversation,
            "thread": list(conversation.messages.all()) if conversation else [],
            "order": order or (conversation.order if conversation else None),
            "text": text,
            **upload_limits(),
        },
    )


@partner_view()
def conversation_detail(request, conversation_id: int):
    conversation = selectors.conversation_get(request.scope, conversation_id)
    if conversation.claim_id is not None and request.method == "GET":
        return redirect("claims:detail", claim_id=conversation.claim_id)
    if request.method == "POST":
        try:
            services.message_send(
                conversation=conversation,
                author=request.scope.user,
                text=request.POST.get("text", ""),
                files=request.FILES.getlist("files"),
            )
        except ValidationError as error:
            _refused(request, error)
            return _thread_page(request, conversation=conversation, text=request.POST.get("text"))
        if conversation.claim_id is not None:
            return redirect("claims:detail", claim_id=conversation.claim_id)
        return redirect("conversations:detail", conversation_id=conversation.pk)
    return _thread_page(request, conversation=conversation)


def _start(request, *, order):
    """The general or an order's conversation: open it if it exists, else its first message."""
    scope = request.scope
    existing = (
        selectors.conversation_of_order(scope, order)
        if order is not None
        else selectors.conversation_general(scope)
    )
    if existing is not None and request.method == "GET":
        return redirect("conversations:detail", conversation_id=existing.pk)
    if request.method == "POST":
        try:
            message = services.conversation_start(
                scope=scope,
                order=order,
                text=request.POST.get("text", ""),
                files=request.FILES.getlist("files"),
            )
        except ValidationError as error:
            _refused(request, error)
            return _thread_page(
                request, conversation=None, order=order, text=request.POST.get("text")
            )
        return redirect("conversations:detail", conversation_id=message.conversation_id)
    return _thread_page(request, conversation=None, order=order)


@partner_view()
def conversation_general(request):
    return _start(request, order=None)


@partner_view(Section.ORDERS)
def conversation_order(request, order_id: int):
    return _start(request, order=selectors.message_order_get(request.scope, order_id))


@partner_view()
def attachment_download(request, attachment_id: int):
    return file_response(selectors.attachment_get(request.scope, attachment_id))


@partner_view()
def attachment_thumbnail(request, attachment_id: int):
    return file_response(selectors.attachment_get(request.scope, attachment_id), thumbnail=True)


# --- claims -------------------------------------------------------------------------------


@partner_view(Section.ORDERS)
def claim_list(request):
    return render(
        request, "conversations/claim_list.html", {"claims": selectors.claim_list(request.scope)}
    )


@partner_view(Section.ORDERS)
def claim_create(request, order_id: int):
    scope = request.scope
    order = selectors.claim_order_get(scope, order_id)
    lines = selectors.claimable_lines(order)
    entered = {}
    if request.method == "POST":
        entered = {line.pk: request.POST.get(f"line-{line.pk}", "").strip() for line in lines}
        try:
            claim = services.claim_create(
                scope=scope,
                order=order,
                reason=request.POST.get("reason", ""),
                description=request.POST.get("description", ""),
                quantities=entered,
                files=request.FILES.getlist("files"),
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The claim is sent to your manager."))
            return redirect("claims:detail", claim_id=claim.pk)
    for line in lines:
        line.entered = entered.get(line.pk, "")
    return render(
        request,
        "conversations/claim_new.html",
        {
            "order": order,
            "lines": lines,
            "reasons": ClaimReason.choices,
            "reason": request.POST.get("reason", ""),
            "description": request.POST.get("description", ""),
            **upload_limits(),
        },
    )


@partner_view(Section.ORDERS)
def claim_detail(request, claim_id: int):
    claim = selectors.claim_get(request.scope, claim_id)
    conversation = selectors.conversation_get(request.scope, claim.conversation.pk)
    services.conversation_read(conversation=conversation, user=request.scope.user)
    return render(
        request,
        "conversations/claim_detail.html",
        {
            "claim": claim,
            "conversation": conversation,
            "thread": list(conversation.messages.all()),
            **upload_limits(),
        },
    )
