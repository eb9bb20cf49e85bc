"""The supplier staff's pages for messages and claims, until the staff workspace exists.

A manager sees their own partners' conversations and claims; a supplier administrator all.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kabinet.accounts.access import staff_view
from kabinet.conversations import selectors, services
from kabinet.conversations.views import file_response, upload_limits
from kabinet.conversations.workflow import ClaimStatus, Resolution, next_statuses


def _refused(request, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


@staff_view
def conversation_list(request):
    unread_only = request.GET.get("unread") == "1"
    return render(
        request,
        "conversations/staff/list.html",
        {
            "conversations": selectors.staff_conversation_list(
                user=request.user, unread_only=unread_only
            ),
            "unread_only": unread_only,
            "is_administrator": selectors.staff_is_administrator(request.user),
        },
    )


@staff_view
def conversation_detail(request, conversation_id: int):
    conversation = selectors.staff_conversation_get(request.user, conversation_id)
    text = ""
    if request.method == "POST":
        try:
            services.message_send(
                conversation=conversation,
                author=request.user,
                text=request.POST.get("text", ""),
                files=request.FILES.getlist("files"),
                from_staff=True,
            )
        except ValidationError as error:
            _refused(request, error)
            text = request.POST.get("text", "")
        else:
            if conversation.claim_id is not None:
                return redirect("staff-conversations:claim-detail", claim_id=conversation.claim_id)
            return redirect("staff-conversations:detail", conversation_id=conversation.pk)
    services.conversation_read(conversation=conversation, user=request.user)
    return render(
        request,
        "conversations/staff/thread.html",
        {
            "conversation": conversation,
            "thread": list(conversation.messages.all()),
            "text": text,
            **upload_limits(),
        },
    )


@staff_view
def attachment_download(request, attachment_id: int):
    return file_response(selectors.staff_attachment_get(request.user, attachment_id))


@staff_view
def attachment_thumbnail(request, attachment_id: int):
    return file_response(
        selectors.staff_attachment_get(request.user, attachment_id), thumbnail=True
    )


@staff_view
def claim_list(request):
    status = request.GET.get("status", "")
    if status not in ClaimStatus.values:
        status = ""
    return render(
        request,
        "conversations/staff/claim_list.html",
        {
            "claims": selectors.staff_claim_list(user=request.user, status=status),
            "status": status,
            "statuses": ClaimStatus.choices,
        },
    )


@staff_view
def claim_detail(request, claim_id: int):
    claim = selectors.staff_claim_get(request.user, claim_id)
    if request.method == "POST":
        try:
            services.claim_transition(
                claim=claim,
                author=request.user,
                status=request.POST.get("status", ""),
                resolution=request.POST.get("resolution", ""),
                comment=request.POST.get("comment", ""),
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The claim's status is changed."))
            return redirect("staff-conversations:claim-detail", claim_id=claim.pk)
    conversation = selectors.staff_conversation_get(request.user, claim.conversation.pk)
    services.conversation_read(conversation=conversation, user=request.user)
    return render(
        request,
        "conversations/staff/claim_detail.html",
        {
            "claim": claim,
            "conversation": conversation,
            "thread": list(conversation.messages.all()),
            "next_statuses": [(s, ClaimStatus(s).label) for s in next_statuses(claim.status)],
            "resolutions": Resolution.choices,
            **upload_limits(),
        },
    )
