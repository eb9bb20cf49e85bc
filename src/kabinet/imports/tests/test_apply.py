"""Applying a checked file (D3, D4): merge, replace or a new draft, in one transaction, once."""

import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kabinet.cart.models import Cart, CartLine
from kabinet.cart.tests.factories import cart_make, english_client
from kabinet.imports.models import ImportJob
from kabinet.imports.services import import_job_apply, import_job_paste
from kabinet.imports.tests.builders import one_c_order_xlsx
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import upload_and_confirm
from kabinet.orders.models import Order
from kabinet.orders.workflow import Status

Mode = ImportJob.ApplyMode


@pytest.fixture
def goods(partner):
    return {
        article: product_make(partner, article=article).test_variants[0]
        for article in ("АС-500", "10-2030", "4600123", "OLD-1")
    }


@pytest.fixture
def cart(buyer, goods, agreement):
    return cart_make(
        owner=buyer, agreement=agreement, lines={goods["АС-500"]: 5, goods["OLD-1"]: 1}
    )


@pytest.fixture
def job(scope, agreement, goods):
    return import_job_paste(scope=scope, agreement=agreement, text="АС-500 10\n10-2030 25\nNONE 1")


def lines(cart) -> dict[int, Decimal]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


def test_merge_adds_the_quantities_to_the_cart(scope, job, cart, goods):
    result = import_job_apply(scope=scope, job_id=job.pk, mode=Mode.MERGE)

    assert (result.lines, result.cart.pk, result.order) == (2, cart.pk, None)
    assert lines(cart) == {
        goods["АС-500"].pk: Decimal(15),
        goods["OLD-1"].pk: Decimal(1),
        goods["10-2030"].pk: Decimal(25),
    }
    job.refresh_from_db()
    assert (job.status, job.applied_mode) == (ImportJob.Status.APPLIED, Mode.MERGE)
    assert job.applied_at is not None


def test_replace_empties_the_cart_first(scope, job, cart, goods):
    import_job_apply(scope=scope, job_id=job.pk, mode=Mode.REPLACE)

    assert lines(cart) == {goods["АС-500"].pk: Decimal(10), goods["10-2030"].pk: Decimal(25)}


def test_a_new_draft_order_leaves_the_cart_as_it_was(scope, job, cart, goods, buyer):
    before = lines(cart)

    result = import_job_apply(scope=scope, job_id=job.pk, mode=Mode.DRAFT)

    order = Order.objects.get()
    assert (result.order, order.status, order.author) == (order, Status.DRAFT, buyer)
    assert order.comment == "From pasted lines"
    assert {line.variant_id: line.quantity for line in order.lines.all()} == {
        goods["АС-500"].pk: Decimal(10),
        goods["10-2030"].pk: Decimal(25),
    }
    assert lines(cart) == before
    assert list(Cart.objects.values_list("pk", "name")) == [(cart.pk, "")]
    job.refresh_from_db()
    assert job.applied_order == order


def test_a_new_draft_without_a_cart_creates_none(scope, job):
    import_job_apply(scope=scope, job_id=job.pk, mode=Mode.DRAFT)

    assert Order.objects.count() == 1
    assert Cart.objects.count() == 0


def test_a_second_apply_is_refused_and_adds_nothing(scope, job, cart):
    import_job_apply(scope=scope, job_id=job.pk, mode=Mode.MERGE)
    after_first = lines(cart)

    with pytest.raises(ValidationError) as refused:
        import_job_apply(scope=scope, job_id=job.pk, mode=Mode.MERGE)

    assert refused.value.messages == [
        "This file is already applied: it was not added a second time."
    ]
    assert lines(cart) == after_first


def test_a_product_gone_since_the_check_refuses_the_whole_apply(scope, job, cart, goods):
    before = lines(cart)
    product = goods["10-2030"].product
    product.is_active = False
    product.save()

    with pytest.raises(ValidationError) as refused:
        import_job_apply(scope=scope, job_id=job.pk, mode=Mode.REPLACE)

    assert refused.value.messages == ["Some of the products are not available to order."]
    assert lines(cart) == before
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MATCHED


def test_nothing_to_order_is_refused(scope, agreement, goods):
    job = import_job_paste(scope=scope, agreement=agreement, text="NONE 1")

    with pytest.raises(ValidationError) as refused:
        import_job_apply(scope=scope, job_id=job.pk, mode=Mode.MERGE)

    assert refused.value.messages == ["No row of this file can be ordered: fix the rows first."]


def test_the_page_applies_once_and_deletes_the_uploaded_file(
    partner, buyer, goods, cart, django_capture_on_commit_callbacks
):
    client = english_client(buyer)
    job = upload_and_confirm(client, one_c_order_xlsx(), "order.xlsx")
    stored = job.file.path

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/quick-order/{job.pk}/apply/", {"mode": "merge"})
    second = client.post(f"/quick-order/{job.pk}/apply/", {"mode": "merge"}, follow=True)

    assert first["Location"] == "/cart/"
    assert "This file is already applied: it was not added a second time." in (
        second.content.decode()
    )
    assert lines(cart)[goods["АС-500"].pk] == Decimal(15)
    job.refresh_from_db()
    assert (job.file.name, os.path.exists(stored)) == ("", False)


def test_a_draft_from_the_page_opens_the_order(partner, buyer, goods):
    client = english_client(buyer)
    job = upload_and_confirm(client, one_c_order_xlsx(), "order.xlsx")

    response = client.post(f"/quick-order/{job.pk}/apply/", {"mode": "draft"})

    order = Order.objects.get()
    assert response["Location"] == f"/orders/{order.pk}/"
    assert order.comment == "From the file “order.xlsx”"
