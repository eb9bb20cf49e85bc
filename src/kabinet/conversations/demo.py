"""Demo conversations and claims: a few partners talk to their managers and claim deliveries.

Called by `demo.generator.demo_generate` once the order history exists. Built with the real
services, so the rows, files, read marks and notifications are what the portal itself makes.
"""

import datetime
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from PIL import Image, ImageDraw

from kabinet.accounts.models import Partner, Section, User
from kabinet.accounts.scope import scope_for
from kabinet.conversations import selectors, services
from kabinet.conversations.models import Claim, ClaimEvent, Conversation, Message, ReadMark
from kabinet.conversations.workflow import ClaimReason, ClaimStatus, Resolution
from kabinet.orders.models import Order
from kabinet.orders.workflow import Status

GENERAL = [
    (False, "Добрый день! Подскажите, когда ждать поступления перчаток нитриловых размера M?"),
    (True, "Здравствуйте! Поставка ожидается в четверг, зарезервирую для вас 20 коробок."),
    (False, "Спасибо! И пришлите, пожалуйста, акт сверки за прошлый квартал."),
]
CLAIMS = [
    # (reason, description, statuses after "new", resolution, comments)
    (ClaimReason.DAMAGED_PACKAGING, "Две коробки пришли смятыми, часть упаковок порвана.", [], ""),
    (
        ClaimReason.SHORTAGE,
        "По накладной 10 упаковок, фактически получили 8.",
        [(ClaimStatus.IN_REVIEW, "Проверяем комплектацию на складе.")],
        "",
    ),
    (
        ClaimReason.DEFECT,
        "В партии шприцев обнаружен брак: не плотно садится поршень.",
        [
            (ClaimStatus.IN_REVIEW, "Передали в отдел качества."),
            (ClaimStatus.ACCEPTED, "Брак подтверждён."),
            (ClaimStatus.RESOLVED, "Замена отправлена со следующей поставкой."),
        ],
        Resolution.REPLACEMENT,
    ),
    (
        ClaimReason.WRONG_ITEM,
        "Вместо халатов размера 48 пришли размера 52.",
        [
            (ClaimStatus.IN_REVIEW, "Уточняем у склада."),
            (ClaimStatus.REJECTED, "По фотографиям этикеток размер совпадает с заказом."),
        ],
        "",
    ),
    (
        ClaimReason.EXPIRY,
        "У части товара срок годности истекает через месяц.",
        [
            (ClaimStatus.IN_REVIEW, ""),
            (ClaimStatus.PARTLY_ACCEPTED, "Примем к возврату 3 упаковки из 5."),
        ],
        "",
    ),
]


def demo_photo(seed: int) -> bytes:
    """A made-up photo of a crushed box (JPEG)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (800, 600), (220, 214, 200))
    draw = ImageDraw.Draw(image)
    draw.polygon([(180, 160), (620, 140), (650, 470), (150, 480)], fill=(190, 150, 95))
    for _ in range(6):
        x, y = rng.randint(200, 580), rng.randint(180, 440)
        draw.line(
            [(x, y), (x + rng.randint(-80, 80), y + rng.randint(-60, 60))],
            fill=(90, 60, 30),
            width=5,
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _buyer(partner: Partner) -> User | None:
    """The partner's buyer: orders from the catalog, manages no employees (the first by id,
    so the demo is the same on every database)."""
    users = User.objects.filter(partner=partner, is_active=True, must_change_password=False)
    for user in users.order_by("pk"):
        sections = user.sections or []
        if {Section.CATALOG, Section.ORDERS} <= set(sections) and Section.EMPLOYEES not in sections:
            return user
    return None


def conversations_demo_generate(*, partners: list[Partner], seed: int = 2026) -> dict[str, int]:
    """Conversations (general and about an order) and claims in every status for `partners`."""
    made = {"conversations": 0, "claims": 0}
    claim_plan = iter(CLAIMS * 2)
    for number, partner in enumerate(partners):
        buyer, manager = _buyer(partner), partner.manager
        if buyer is None or manager is None:
            continue
        scope = scope_for(buyer)
        general = None
        for from_staff, text in GENERAL:
            if general is None:
                general = services.conversation_start(
                    scope=scope, order=None, text=text
                ).conversation
            else:
                services.message_send(
                    conversation=general,
                    author=manager if from_staff else buyer,
                    text=text,
                    from_staff=from_staff,
                )
        made["conversations"] += 1
        shipped = list(
            Order.objects.filter(partner=partner, status__in=[Status.SHIPPED, Status.COMPLETED])
            .filter(shipments__isnull=False)
            .distinct()
            .order_by("-created_at")[:3]
        )
        if shipped:
            about = services.conversation_start(
                scope=scope,
                order=shipped[0],
                text=f"Можно ли довезти заказ {shipped[0].number} до обеда в пятницу?",
            ).conversation
            services.message_send(
                conversation=about,
                author=manager,
                text="Да, поставим в утренний рейс.",
                from_staff=True,
            )
            made["conversations"] += 1
        for index, order in enumerate(shipped):
            plan = next(claim_plan, None)
            if plan is None:
                break
            reason, description, steps, resolution = plan
            lines = [line for line in selectors.claimable_lines(order) if line.available >= 1]
            if not lines:
                continue
            files = []
            if index == 0:
                files = [SimpleUploadedFile("фото-коробки.jpg", demo_photo(seed + number))]
            claim = services.claim_create(
                scope=scope,
                order=order,
                reason=reason,
                description=description,
                quantities={lines[0].pk: "1"},
                files=files,
            )
            for status, comment in steps:
                services.claim_transition(
                    claim=claim,
                    author=manager,
                    status=status,
                    comment=comment,
                    resolution=resolution if status == ClaimStatus.RESOLVED else "",
                )
            made["claims"] += 1
    _spread_in_time(partners, seed=seed)
    return made


def _spread_in_time(partners: list[Partner], *, seed: int) -> None:
    """Move what was just made a few days back, step by step, so the demo reads naturally."""
    rng = random.Random(seed)
    for conversation in Conversation.objects.filter(partner__in=partners):
        back = datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(1, 9))
        Message.objects.filter(conversation=conversation).update(created_at=F("created_at") - back)
        ReadMark.objects.filter(conversation=conversation).update(read_at=F("read_at") - back)
        Conversation.objects.filter(pk=conversation.pk).update(
            created_at=F("created_at") - back,
            last_message_at=F("last_message_at") - back,
            manager_emailed_at=None,
            partner_emailed_at=None,
        )
        if conversation.claim_id:
            Claim.objects.filter(pk=conversation.claim_id).update(created_at=F("created_at") - back)
            for step, event in enumerate(ClaimEvent.objects.filter(claim_id=conversation.claim_id)):
                ClaimEvent.objects.filter(pk=event.pk).update(
                    created_at=event.created_at - back + datetime.timedelta(hours=5 * step)
                )
