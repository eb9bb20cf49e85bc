"""type=sale: orders go to 1C (query/success) and come back with statuses and 1C numbers."""

from decimal import Decimal

import pytest
from lxml import etree

from kabinet.catalog.tests.factories import catalog_make
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import OneC
from kabinet.orders.models import Order
from kabinet.orders.services import order_transition
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Actor, Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def exchange_setup(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")


@pytest.fixture
def sent_order(partner, partner_admin):
    data = catalog_make(partner, products=2, variants_per_product=2)
    for n, variant in enumerate(data.variants):
        variant.ext_id = f"prod-{n // 2}#char-{n % 2}"
        variant.save()
    order = order_make(author=partner_admin, variants=data.variants[:2])
    order_transition(order=order, target=Status.SENT, actor=Actor.PARTNER, author=partner_admin)
    order.refresh_from_db()
    return order


def sale_client():
    client = OneC(kind="sale")
    assert client.checkauth()[0] == "success"
    client.call("init", version="2.08")
    return client


def local(tag):
    return etree.QName(tag).localname


def test_query_lists_sent_orders_with_counterparty_and_goods(sent_order, partner):
    client = sale_client()
    root = etree.fromstring(client.call("query").encode())
    documents = root.findall("Документ")
    assert [d.findtext("Номер") for d in documents] == [sent_order.number]
    document = documents[0]
    assert document.findtext("ХозОперация") == "Заказ товара"
    assert Decimal(document.findtext("Сумма")) == sent_order.total
    buyer = document.find("Контрагенты/Контрагент")
    counterparty = sent_order.counterparty
    assert (buyer.findtext("Ид"), buyer.findtext("ИНН"), buyer.findtext("КПП")) == (
        counterparty.ext_id,
        counterparty.inn,
        counterparty.kpp,
    )
    assert [g.findtext("Ид") for g in document.findall("Товары/Товар")] == [
        "prod-0#char-0",
        "prod-0#char-1",
    ]
    requisites = {
        r.findtext("Наименование"): r.findtext("Значение")
        for r in document.findall("ЗначенияРеквизитов/ЗначениеРеквизита")
    }
    assert requisites["Соглашение Ид"] == sent_order.agreement.ext_id
    assert requisites["Статус заказа"] == "Новый"


def test_drafts_are_never_sent_to_1c(partner, partner_admin):
    data = catalog_make(partner, products=1)
    order_make(author=partner_admin, variants=data.variants)  # a draft
    root = etree.fromstring(sale_client().call("query").encode())
    assert root.findall("Документ") == []


def test_a_repeated_query_returns_the_same_orders_until_success(sent_order):
    client = sale_client()
    first = client.call("query")
    assert client.call("query") == first or sent_order.number in client.call("query")
    assert client.call("success").startswith("success")
    again = etree.fromstring(sale_client().call("query").encode())
    assert again.findall("Документ") == []
    sent_order.refresh_from_db()
    assert not sent_order.export_pending


def test_an_order_changed_after_the_query_is_sent_again(sent_order, partner_admin):
    client = sale_client()
    client.call("query")
    order_transition(
        order=sent_order, target=Status.CANCELLED, actor=Actor.PARTNER, author=partner_admin
    )
    client.call("success")
    root = etree.fromstring(sale_client().call("query").encode())
    [document] = root.findall("Документ")
    requisites = {
        r.findtext("Наименование"): r.findtext("Значение")
        for r in document.findall("ЗначенияРеквизитов/ЗначениеРеквизита")
    }
    assert requisites["Отменен"] == "true"


def test_statuses_and_1c_numbers_come_back_and_walk_the_workflow(sent_order):
    client = sale_client()
    document = cml.render(
        cml.order(
            sent_order.number,
            lines=[("prod-0#char-0", "x", "100", "2"), ("prod-0#char-1", "x", "100", "2")],
            requisites=[("Статус заказа", "Отгружен"), ("Номер по 1С", "ЗК-00042")],
        )
    )
    client.upload("orders.xml", document)
    assert client.import_until_done("orders.xml").startswith("success")
    sent_order.refresh_from_db()
    assert sent_order.status == Status.SHIPPED
    assert sent_order.erp_number == "ЗК-00042"
    assert list(sent_order.events.values_list("status", flat=True))[-3:] == [
        Status.ACCEPTED,
        Status.ASSEMBLING,
        Status.SHIPPED,
    ]
    # The same file again changes nothing.
    events = sent_order.events.count()
    client.upload("orders2.xml", document)
    client.import_until_done("orders2.xml")
    assert sent_order.events.count() == events


def test_reduced_quantities_from_1c_become_a_shortage_to_confirm(sent_order):
    client = sale_client()
    client.upload(
        "orders.xml",
        cml.render(
            cml.order(
                sent_order.number,
                lines=[("prod-0#char-0", "x", "100", "1"), ("prod-0#char-1", "x", "100", "2")],
                requisites=[("Статус заказа", "Согласован")],
            )
        ),
    )
    client.import_until_done("orders.xml")
    sent_order.refresh_from_db()
    assert sent_order.status == Status.SHORTAGE
    assert sorted(sent_order.lines.values_list("confirmed_quantity", flat=True)) == [
        Decimal(1),
        Decimal(2),
    ]


def test_an_order_created_in_1c_appears_for_its_partner(partner, sent_order):
    counterparty = sent_order.counterparty
    counterparty.ext_id, counterparty.inn, counterparty.kpp = "cp-1", "7701234567", "770101001"
    counterparty.save()
    client = sale_client()
    client.upload(
        "orders.xml",
        cml.render(
            cml.order(
                "ЗК-777",
                lines=[("prod-1#char-0", "Товар", "250", "4")],
                requisites=[("Статус заказа", "Согласован")],
            )
        ),
    )
    assert client.import_until_done("orders.xml").startswith("success")
    order = Order.objects.get(created_in_erp=True)
    assert order.partner == partner
    assert order.status == Status.ACCEPTED
    assert order.lines.get().quantity == 4
    client.upload(
        "orders2.xml",
        cml.render(
            cml.order(
                "ЗК-777",
                lines=[("prod-1#char-0", "Товар", "250", "4")],
                requisites=[("Статус заказа", "Согласован")],
            )
        ),
    )
    client.import_until_done("orders2.xml")
    assert Order.objects.filter(created_in_erp=True).count() == 1
