"""Messages and claims for tests, built through the real services.

conversations_make(partner)   # a general and an order conversation, a claim, attachments
order = shipped_order_make(partner)
upload("photo.jpg", jpeg_bytes(exif=True))
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kabinet.accounts.models import Partner, User
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import StaffUserFactory
from kabinet.conversations import selectors, services
from kabinet.conversations.models import Claim
from kabinet.conversations.workflow import ClaimReason, ClaimStatus
from kabinet.orders.models import Order
from kabinet.orders.tests.factories import _author_for, goods_make, order_make
from kabinet.orders.workflow import Status


def jpeg_bytes(*, size=(64, 48), exif: bool = False, color="red") -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x0110] = "Model X"  # Model
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(text: str = "invoice") -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\n% " + text.encode() + b"\n%%EOF\n"


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def manager_for(partner: Partner, *, email: str | None = None) -> User:
    if partner.manager_id is None:
        partner.manager = StaffUserFactory(
            email=email or f"manager-{partner.pk}@supplier.example",
            full_name=f"Manager of {partner.name}",
        )
        partner.save(update_fields=["manager"])
    return partner.manager


def shipped_order_make(partner: Partner, *, author: User | None = None, quantity="5") -> Order:
    author = author or _author_for(partner)
    variants = goods_make(partner, n=2)
    return order_make(author=author, variants=variants, status=Status.SHIPPED, quantity=quantity)


def conversations_make(partner: Partner) -> dict:
    """A general conversation (both sides, a photo and a PDF), one about an order, and a claim
    taken to "in review" with a photo — every kind of row this app has."""
    author = _author_for(partner)
    scope = scope_for(author)
    manager = manager_for(partner)
    general = services.conversation_start(
        scope=scope,
        order=None,
        text=f"Question of {partner.name} about the delivery schedule",
        files=[
            upload(f"{partner.name} photo.jpg", jpeg_bytes(exif=True)),
            upload(f"{partner.name} invoice.pdf", pdf_bytes(partner.name)),
        ],
    ).conversation
    services.message_send(
        conversation=general,
        author=manager,
        text=f"Answer to {partner.name}: deliveries on Tuesdays",
        from_staff=True,
    )
    order = shipped_order_make(partner, author=author)
    about_order = services.conversation_start(
        scope=scope, order=order, text=f"Where is order {order.number} of {partner.name}?"
    ).conversation
    lines = selectors.claimable_lines(order)
    claim = services.claim_create(
        scope=scope,
        order=order,
        reason=ClaimReason.DEFECT,
        description=f"Broken boxes in {order.number} of {partner.name}",
        quantities={lines[0].pk: "1"},
        files=[upload(f"{partner.name} damage.png", png_bytes())],
    )
    services.claim_transition(
        claim=claim,
        author=manager,
        status=ClaimStatus.IN_REVIEW,
        comment=f"Looking into it for {partner.name}",
    )
    return {
        "general": general,
        "order_conversation": about_order,
        "order": order,
        "claim": Claim.objects.get(pk=claim.pk),
        "manager": manager,
        "author": author,
    }
