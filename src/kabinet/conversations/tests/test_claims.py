"""Claims: lines and quantities from a shipped order, the status table, history, thread."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from kabinet.accounts.scope import scope_for
from kabinet.comms.models import Notification
from kabinet.conversations import selectors, services
from kabinet.conversations.models import Attachment, Claim, ClaimEvent, ClaimLine, Message
from kabinet.conversations.tests.conftest import stored_files
from kabinet.conversations.tests.factories import (
    jpeg_bytes,
    pdf_bytes,
    shipped_order_make,
    upload,
)
from kabinet.conversations.workflow import ClaimStatus, Resolution
from kabinet.orders.tests.factories import goods_make, order_make
from kabinet.orders.workflow import Status


@pytest.fixture
def order(partner_admin):
    return shipped_order_make(partner_admin.partner, author=partner_admin, quantity="5")


def _lines(order):
    return selectors.claimable_lines(order)


@pytest.mark.django_db
def test_partner_opens_a_claim_with_a_photo_from_a_shipped_order(
    partner_client, order, manager, private_dir, django_capture_on_commit_callbacks
):
    first, second = _lines(order)
    with django_capture_on_commit_callbacks(execute=True):
        response = partner_client.post(
            reverse("claims:create", args=[order.pk]),
            {
                f"line-{first.pk}": "2",
                f"line-{second.pk}": "",
                "reason": "defect",
                "description": "Two boxes crushed",
                "files": [upload("box.jpg", jpeg_bytes(exif=True))],
            },
        )

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:detail", args=[claim.pk])
    assert (claim.order_id, claim.reason, claim.status, claim.description) == (
        order.pk,
        "defect",
        ClaimStatus.NEW,
        "Two boxes crushed",
    )
    assert list(claim.lines.values_list("shipment_line_id", "quantity")) == [
        (first.pk, Decimal("2.000"))
    ]
    assert list(claim.events.values_list("status", "author_id")) == [("new", order.author_id)]
    (message,) = Message.objects.filter(conversation__claim=claim)
    assert message.text == "Two boxes crushed"
    assert [a.name for a in message.attachments.all()] == ["box.jpg"]
    assert len(stored_files(private_dir)) == 2  # the photo and its thumbnail
    assert [m.subject for m in mail.outbox] == [
        f"Alpha Pharmacy: новое сообщение — Рекламация № {claim.pk} по заказу {order.number}"
    ]
    page = partner_client.get(response["Location"])
    assert "Two boxes crushed" in page.text
    assert "Брак" in page.text


@pytest.mark.django_db
def test_a_claim_cannot_exceed_the_shipped_quantity(partner_admin, order, private_dir):
    scope = scope_for(partner_admin)
    first, _second = _lines(order)

    with pytest.raises(ValidationError) as error:
        services.claim_create(
            scope=scope,
            order=order,
            reason="shortage",
            description="Missing",
            quantities={first.pk: "6"},
            files=[upload("note.pdf", pdf_bytes())],
        )
    assert error.value.messages == [
        f"«{first.order_line.product_name}»: можно заявить не больше 5 "
        "(отгружено 5, уже заявлено 0)."
    ]
    assert Claim.objects.count() == 0
    assert stored_files(private_dir) == []

    services.claim_create(
        scope=scope,
        order=order,
        reason="shortage",
        description="3 missing",
        quantities={first.pk: "3"},
    )
    with pytest.raises(ValidationError) as error:
        services.claim_create(
            scope=scope,
            order=order,
            reason="defect",
            description="3 more",
            quantities={first.pk: "3"},
        )
    assert error.value.messages == [
        f"«{first.order_line.product_name}»: можно заявить не больше 2 "
        "(отгружено 5, уже заявлено 3)."
    ]
    services.claim_create(
        scope=scope,
        order=order,
        reason="defect",
        description="The last 2",
        quantities={first.pk: "2"},
    )
    assert ClaimLine.objects.filter(shipment_line=first).count() == 2
    assert [line.available for line in _lines(order)] == [Decimal(0), Decimal("5.000")]


@pytest.mark.django_db
def test_the_claim_form_keeps_what_was_typed_and_says_why_it_is_refused(
    partner_client, order, manager
):
    first, _second = _lines(order)
    response = partner_client.post(
        reverse("claims:create", args=[order.pk]),
        {f"line-{first.pk}": "7", "reason": "surplus", "description": "Too much"},
    )

    assert response.status_code == 200
    assert "можно заявить не больше 5" in response.text
    assert 'value="7"' in response.text
    assert Claim.objects.count() == 0


@pytest.mark.parametrize(
    ("quantity", "reason", "description", "expected"),
    [
        ("", "defect", "x", "Выберите хотя бы одну строку и укажите количество."),
        ("-1", "defect", "x", "Количество должно быть положительным числом."),
        ("abc", "defect", "x", "Количество должно быть положительным числом."),
        ("0.0001", "defect", "x", "Количество должно быть положительным числом."),
        ("1e30", "defect", "x", "Количество должно быть положительным числом."),
        ("NaN", "defect", "x", "Количество должно быть положительным числом."),
        ("0", "defect", "x", "Выберите хотя бы одну строку и укажите количество."),
        ("1", "bogus", "x", "Выберите причину рекламации."),
        ("1", "defect", "  ", "Опишите, что не так."),
    ],
)
@pytest.mark.django_db
def test_incomplete_claims_are_refused(
    partner_admin, order, quantity, reason, description, expected
):
    first = _lines(order)[0]
    with pytest.raises(ValidationError) as error:
        services.claim_create(
            scope=scope_for(partner_admin),
            order=order,
            reason=reason,
            description=description,
            quantities={first.pk: quantity},
        )
    assert error.value.messages == [expected]
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_a_line_of_another_order_cannot_be_claimed(partner_admin, order):
    other = shipped_order_make(partner_admin.partner, author=partner_admin)
    foreign = _lines(other)[0]
    with pytest.raises(ValidationError):
        services.claim_create(
            scope=scope_for(partner_admin),
            order=order,
            reason="defect",
            description="x",
            quantities={foreign.pk: "1"},
        )
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_an_order_not_yet_shipped_has_no_claim_page(partner_client, partner_admin):
    sent = order_make(
        author=partner_admin, variants=goods_make(partner_admin.partner), status=Status.SENT
    )
    assert partner_client.get(reverse("claims:create", args=[sent.pk])).status_code == 404
    detail = partner_client.get(reverse("orders:detail", args=[sent.pk]))
    assert 'data-testid="open-claim"' not in detail.text
    assert 'data-testid="write-about-order"' in detail.text


def _claim(partner_admin, order):
    first = _lines(order)[0]
    return services.claim_create(
        scope=scope_for(partner_admin),
        order=order,
        reason="wrong_item",
        description="Wrong colour",
        quantities={first.pk: "1"},
    )


@pytest.mark.django_db
def test_statuses_follow_the_table_and_the_partner_sees_each_change(
    partner_client,
    partner_admin,
    order,
    manager,
    manager_client,
    django_capture_on_commit_callbacks,
):
    claim = _claim(partner_admin, order)
    url = reverse("staff-conversations:claim-detail", args=[claim.pk])

    refused = manager_client.post(url, {"status": "accepted"})
    assert "Рекламацию в статусе «Новая» нельзя перевести в статус «Принята»." in refused.text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url, {"status": "in_review", "comment": "Checking the batch"})
        manager_client.post(url, {"status": "partly_accepted", "comment": "One of two"})
    no_resolution = manager_client.post(url, {"status": "resolved"})
    assert "Выберите, как урегулирована рекламация." in no_resolution.text
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            url, {"status": "resolved", "resolution": "credit_note", "comment": "Credit note 12"}
        )

    claim.refresh_from_db()
    assert (claim.status, claim.resolution) == (ClaimStatus.RESOLVED, Resolution.CREDIT_NOTE)
    assert list(
        ClaimEvent.objects.filter(claim=claim).values_list("status", "author_id", "comment")
    ) == [
        ("new", partner_admin.pk, ""),
        ("in_review", manager.pk, "Checking the batch"),
        ("partly_accepted", manager.pk, "One of two"),
        ("resolved", manager.pk, "Credit note 12"),
    ]
    assert list(
        Notification.objects.filter(user=partner_admin)
        .order_by("pk")
        .values_list("title", flat=True)
    ) == [
        f"Рекламация № {claim.pk}: На рассмотрении",
        f"Рекламация № {claim.pk}: Принята частично",
        f"Рекламация № {claim.pk}: Урегулирована",
    ]
    assert len(mail.outbox) == 3
    assert "Способ урегулирования: Корректировка (возврат денег)." in mail.outbox[2].body
    page = partner_client.get(reverse("claims:detail", args=[claim.pk]))
    for text in [
        "Checking the batch",
        "One of two",
        "Credit note 12",
        "Урегулирована",
        manager.full_name,
    ]:
        assert text in page.text
    with pytest.raises(ValidationError):
        services.claim_transition(claim=claim, author=manager, status=ClaimStatus.IN_REVIEW)


@pytest.mark.django_db
def test_a_rejected_claim_is_final(partner_admin, order, manager):
    claim = _claim(partner_admin, order)
    services.claim_transition(claim=claim, author=manager, status=ClaimStatus.IN_REVIEW)
    services.claim_transition(claim=claim, author=manager, status=ClaimStatus.REJECTED)
    with pytest.raises(ValidationError):
        services.claim_transition(
            claim=claim, author=manager, status=ClaimStatus.RESOLVED, resolution="return"
        )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED


@pytest.mark.django_db
def test_the_claim_thread_takes_answers_from_both_sides(
    partner_client, partner_admin, order, manager, manager_client
):
    claim = _claim(partner_admin, order)
    conversation = claim.conversation

    staff = manager_client.post(
        reverse("staff-conversations:detail", args=[conversation.pk]), {"text": "Send a photo"}
    )
    partner = partner_client.post(
        reverse("conversations:detail", args=[conversation.pk]),
        {"text": "Here", "files": [upload("label.jpg", jpeg_bytes())]},
    )

    assert staff["Location"] == reverse("staff-conversations:claim-detail", args=[claim.pk])
    assert partner["Location"] == reverse("claims:detail", args=[claim.pk])
    assert list(conversation.messages.values_list("text", "from_staff")) == [
        ("Wrong colour", False),
        ("Send a photo", True),
        ("Here", False),
    ]
    assert Attachment.objects.filter(message__conversation=conversation).count() == 1
    page = manager_client.get(reverse("staff-conversations:claim-detail", args=[claim.pk]))
    assert 'data-testid="attachment-image"' in page.text
