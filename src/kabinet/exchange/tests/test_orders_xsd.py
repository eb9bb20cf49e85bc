"""The orders Kabinet hands to 1C follow the published CommerceML 2.10 schema."""

from pathlib import Path

import pytest
from lxml import etree

from kabinet.catalog.tests.factories import catalog_make
from kabinet.exchange.orders_out import orders_xml, pending_orders
from kabinet.exchange.tests.shared import commerceml_samples
from kabinet.orders.services import order_transition
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Actor, Status

NAMESPACE = "urn:1C.ru:commerceml_2"


def in_namespace(document: bytes):
    """Our files carry no namespace, as Bitrix's do (1C reads both); the XSD has one."""
    text = document.decode("utf-8").replace(
        "<КоммерческаяИнформация ", f'<КоммерческаяИнформация xmlns="{NAMESPACE}" ', 1
    )
    return etree.fromstring(text.encode("utf-8"))


@pytest.fixture(scope="module")
def schema():
    path = Path(commerceml_samples()) / "_schemas" / "commerceML 2.10.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def test_orders_for_1c_validate_against_the_commerceml_schema(schema, partner, partner_admin):
    data = catalog_make(partner, products=2, variants_per_product=2)
    order = order_make(author=partner_admin, variants=data.variants[:3])
    order_transition(order=order, target=Status.SENT, actor=Actor.PARTNER, author=partner_admin)
    root = in_namespace(orders_xml(pending_orders()))
    valid = schema.validate(root)
    assert valid, [str(error) for error in schema.error_log][:5]
    assert len(root.findall(f"{{{NAMESPACE}}}Документ")) == 1
