"""Staff map 1C price types to agreements: the price type admin shows who uses each one and
filters the unmapped; the exchange log names the unmapped price types a file priced in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.conftest_helpers import client_for

from kabinet.accounts.tests.factories import AgreementFactory, PriceTypeFactory, StaffUserFactory
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.models import ExchangeFile
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import OneC

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"  # the texts asserted below are the English sources


@pytest.fixture
def admin_client(db):
    return client_for(StaffUserFactory(is_superuser=True, email="root@supplier.example"))


@pytest.fixture
def price_types():
    wholesale = PriceTypeFactory(name="Оптовая", ext_id="pt-wholesale")
    AgreementFactory(price_type=wholesale, name="Alpha terms")
    AgreementFactory(price_type=wholesale, name="Omega terms")
    retail = PriceTypeFactory(name="Розничная", ext_id="pt-retail")
    return wholesale, retail


def test_the_price_type_list_counts_agreements_and_says_not_mapped(admin_client, price_types):
    page = admin_client.get(reverse("admin:pricing_pricetype_changelist")).content.decode()

    assert "pt-wholesale" in page
    assert f'?price_type__id__exact={price_types[0].pk}">2</a>' in page
    assert "not mapped" in page


def test_the_not_mapped_filter_lists_only_price_types_no_agreement_uses(admin_client, price_types):
    url = reverse("admin:pricing_pricetype_changelist")
    unmapped = admin_client.get(url, {"mapped": "no"}).context["cl"].result_list
    mapped = admin_client.get(url, {"mapped": "yes"}).context["cl"].result_list

    assert [p.ext_id for p in unmapped] == ["pt-retail"]
    assert [p.ext_id for p in mapped] == ["pt-wholesale"]


def test_the_price_type_page_lists_the_agreements_using_it(admin_client, price_types):
    wholesale, retail = price_types
    page = admin_client.get(
        reverse("admin:pricing_pricetype_change", args=[wholesale.pk])
    ).content.decode()
    empty = admin_client.get(
        reverse("admin:pricing_pricetype_change", args=[retail.pk])
    ).content.decode()

    assert "Alpha terms" in page
    assert "Omega terms" in page
    assert "no agreement uses this price type yet" in empty
    assert admin_client.get(reverse("admin:pricing_pricetype_add")).status_code == 200


def test_the_price_type_list_runs_a_fixed_number_of_queries(
    admin_client, price_types, django_assert_max_num_queries
):
    url = reverse("admin:pricing_pricetype_changelist")
    admin_client.get(url)
    with django_assert_max_num_queries(8) as few:
        admin_client.get(url)
    for n in range(10):
        AgreementFactory(price_type=PriceTypeFactory(ext_id=f"pt-more-{n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(url)


def test_the_exchange_log_names_the_price_types_no_agreement_uses(
    admin_client, price_types, settings, tmp_path, django_assert_max_num_queries
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    client = OneC()
    client.checkauth()
    client.call("init")
    client.upload(
        "import.xml", cml.render(cml.catalog(cml.product("p-1", "Бинт"), only_changes=True))
    )
    offers = cml.package(
        cml.offer("p-1", prices=[("pt-wholesale", "10"), ("pt-retail", "12"), ("pt-new", "15")]),
        only_changes=True,
    )
    client.upload("offers.xml", cml.render(offers))
    assert client.import_until_done("import.xml").startswith("success")
    assert client.import_until_done("offers.xml").startswith("success")

    file = ExchangeFile.objects.get(name="offers.xml")
    assert file.counts["price_types_not_mapped"] == ["pt-new", "pt-retail"]
    assert file.counts["price_types_unknown"] == 1
    url = reverse("admin:exchange_exchangefile_changelist")
    with django_assert_max_num_queries(10):
        page = admin_client.get(url).content.decode()
    assert "2 not mapped, 1 new, not declared by 1C" in page
    assert 'title="pt-new, pt-retail"' in page
    detail = admin_client.get(reverse("admin:exchange_exchangefile_change", args=[file.pk]))
    assert "2 not mapped" in detail.content.decode()
