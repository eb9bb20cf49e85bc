"""Order statuses from 1C: a status no mapping knows is never guessed, it is reported; the map
is extended by setting or environment; an unchanged order sent again counts as unchanged."""

import json

import pytest

from kabinet.catalog.tests.factories import catalog_make
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.models import ExchangeFile, ExchangeSession
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import OneC
from kabinet.orders.services import order_transition
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Actor, Status
from kabinet.settings import KABINET_1C_STATUS_MAP_BUILT_IN, env_mapping

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def exchange_setup(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")


@pytest.fixture
def sent_order(partner, partner_admin):
    data = catalog_make(partner, products=1, variants_per_product=1)
    variant = data.variants[0]
    variant.ext_id = "prod-0#char-0"
    variant.save()
    order = order_make(author=partner_admin, variants=[variant])
    order_transition(order=order, target=Status.SENT, actor=Actor.PARTNER, author=partner_admin)
    order.refresh_from_db()
    return order


def send_document(order, status: str, name: str = "orders.xml") -> list[str]:
    client = OneC(kind="sale")
    assert client.checkauth()[0] == "success"
    client.call("init", version="2.08")
    line = order.lines.get()
    client.upload(
        name,
        cml.render(
            cml.order(
                order.number,
                lines=[("prod-0#char-0", "x", "100", str(line.quantity))],
                requisites=[("Статус заказа", status), ("Проведен", "true")],
            )
        ),
    )
    return client.import_until_done(name).split("\n")


def test_an_unknown_status_keeps_the_order_as_it_was_and_is_reported(sent_order):
    """Before: a posted document with "Готов к отгрузке" silently made the order accepted."""
    answer = send_document(sent_order, "Готов к отгрузке")

    sent_order.refresh_from_db()
    assert sent_order.status == Status.SENT
    assert answer == [
        "success",
        "orders.xml загружен",
        "warning: неизвестные статусы заказов (заказов: 1, статус не изменён): Готов к отгрузке;"
        " добавьте их в KABINET_1C_STATUS_MAP",
    ]
    file = ExchangeFile.objects.get(name="orders.xml")
    assert file.status == ExchangeFile.Status.WARNINGS
    assert (file.counts["statuses_unknown"], file.counts["orders_status_unknown"]) == (
        ["Готов к отгрузке"],
        1,
    )
    assert file.session.status == ExchangeSession.Status.WARNINGS


def test_the_environment_extends_the_built_in_status_map(monkeypatch):
    monkeypatch.setenv("KABINET_1C_STATUS_MAP", " Готов к отгрузке = assembling ; Новый=accepted")
    pairs = env_mapping("KABINET_1C_STATUS_MAP", KABINET_1C_STATUS_MAP_BUILT_IN)
    monkeypatch.setenv(
        "KABINET_1C_STATUS_MAP", json.dumps({"Готов к отгрузке": "assembling", "Новый": "accepted"})
    )
    as_json = env_mapping("KABINET_1C_STATUS_MAP", KABINET_1C_STATUS_MAP_BUILT_IN)

    assert (
        pairs
        == as_json
        == {
            **KABINET_1C_STATUS_MAP_BUILT_IN,
            "Готов к отгрузке": "assembling",
            "Новый": "accepted",
        }
    )
    monkeypatch.setenv("KABINET_1C_STATUS_MAP", "Готов к отгрузке")
    with pytest.raises(ValueError, match="is not key=value"):
        env_mapping("KABINET_1C_STATUS_MAP", KABINET_1C_STATUS_MAP_BUILT_IN)


def test_a_status_added_to_the_map_walks_the_order_there(sent_order, settings):
    settings.KABINET_1C_STATUS_MAP = {
        **KABINET_1C_STATUS_MAP_BUILT_IN,
        "ГОТОВ К ОТГРУЗКЕ": "assembling",
    }
    answer = send_document(sent_order, "Готов к отгрузке")

    sent_order.refresh_from_db()
    assert answer == ["success", "orders.xml загружен"]
    assert sent_order.status == Status.ASSEMBLING
    assert ExchangeFile.objects.get().status == ExchangeFile.Status.DONE


def test_a_map_naming_no_status_fails_the_import_and_says_why(sent_order, settings):
    settings.KABINET_1C_STATUS_MAP = {"Готов к отгрузке": "ready"}
    answer = send_document(sent_order, "Готов к отгрузке")

    assert answer[0] == "failure"
    assert "KABINET_1C_STATUS_MAP: 'ready' (for 'Готов к отгрузке') is not a status" in answer[1]
    sent_order.refresh_from_db()
    assert sent_order.status == Status.SENT


def test_an_unchanged_order_sent_again_counts_as_unchanged(sent_order):
    """Before: the same document again counted orders_updated=1."""
    send_document(sent_order, "Отгружен", name="orders.xml")
    send_document(sent_order, "Отгружен", name="orders.xml")

    first, again = (f.counts for f in ExchangeFile.objects.order_by("pk"))
    assert (first["orders_updated"], first.get("orders_unchanged", 0)) == (1, 0)
    assert (again.get("orders_updated", 0), again["orders_unchanged"]) == (0, 1)
    assert again.get("status_changes", 0) == 0


def test_the_old_order_flow_answers_the_upload_with_its_warnings(sent_order):
    """Without a version 1C posts the documents and expects them imported in that call."""
    client = OneC(kind="sale")
    assert client.checkauth()[0] == "success"
    client.call("init")
    answer = client.call(
        "file",
        "post",
        cml.render(cml.order(sent_order.number, requisites=[("Статус заказа", "Резерв")])),
        filename="orders.xml",
    )

    assert answer.split("\n") == [
        "success",
        "warning: неизвестные статусы заказов (заказов: 1, статус не изменён): Резерв;"
        " добавьте их в KABINET_1C_STATUS_MAP",
    ]
