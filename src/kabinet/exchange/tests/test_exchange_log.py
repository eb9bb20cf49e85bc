"""The exchange log says what happened: a final status for every exchange, warnings 1C and
staff hear about, counts that mean the same each time, in Russian and read-only."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.conftest_helpers import client_for

from kabinet.accounts.tests.factories import StaffUserFactory
from kabinet.catalog.models import Variant
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.models import ExchangeFile, ExchangeSession
from kabinet.exchange.tests import cml_writer as cml
from kabinet.exchange.tests.exchange_client import OneC
from kabinet.pricing.models import Price

pytestmark = pytest.mark.django_db

CATALOG = cml.render(
    cml.classifier(cml.groups({"g-1": ("Перчатки", {})})),
    cml.catalog(
        cml.product("p-1", "Перчатки нитриловые", group_ids=["g-1"]),
        cml.product("p-2", "Маска", group_ids=["g-1"]),
        only_changes=False,
    ),
)
# УТ 11 sends the characteristics of p-1 only with its offers.
OFFERS = cml.render(
    cml.package(
        cml.offer("p-1#c-s", name="S", characteristics=[("Размер", "S")], prices=[("pt", "10")]),
        cml.offer("p-1#c-m", name="M", characteristics=[("Размер", "M")], prices=[("pt", "11")]),
        cml.offer("p-2", prices=[("pt", "5")]),
        *(cml.offer(f"ghost-{n:02}", prices=[("pt", "1")]) for n in range(1, 13)),
        sections=cml.price_types({"pt": "Оптовая"}),
    )
)


@pytest.fixture(autouse=True)
def exchange_setup(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")


def exchange(files: dict[str, bytes], *, complete: bool = False) -> dict[str, list[str]]:
    """One catalog exchange as 1C runs it; the answer to each file's import, by line."""
    client = OneC()
    assert client.checkauth()[0] == "success"
    client.call("init", version="2.08")
    answers = {}
    for name, data in files.items():
        client.upload(name, data)
        answers[name] = client.import_until_done(name).split("\n")
    if complete:
        assert client.call("complete") == "success"
    return answers


def test_offers_for_products_the_site_lacks_are_a_warning_to_1c_and_in_the_log():
    """Before: plain `success`, the twelve dropped offers only a counter in the log."""
    answers = exchange({"import.xml": CATALOG, "offers.xml": OFFERS})

    assert answers["offers.xml"] == [
        "success",
        "offers.xml загружен",
        "warning: 12 предложений для товаров, которых нет на сайте, например: ghost-01, ghost-02,"
        " ghost-03, ghost-04, ghost-05",
    ]
    assert answers["import.xml"] == ["success", "import.xml загружен"]
    offers = ExchangeFile.objects.get(name="offers.xml")
    assert offers.status == ExchangeFile.Status.WARNINGS
    assert offers.counts["offers_unknown_product"] == 12
    assert offers.session.status == ExchangeSession.Status.WARNINGS
    # The offers of known products are imported all the same.
    assert Price.objects.get(variant__ext_id="p-1#c-s").amount == 10


def test_a_successful_exchange_ends_as_success_even_without_complete():
    """Before: the session stayed "in progress" unless 1C called mode=complete."""
    exchange({"import.xml": CATALOG})

    session = ExchangeSession.objects.get()
    assert session.status == ExchangeSession.Status.COMPLETE
    assert session.finished_at is not None


def test_the_session_stays_in_progress_while_a_file_waits_for_its_import():
    client = OneC()
    assert client.checkauth()[0] == "success"
    client.call("init", version="2.08")
    client.upload("import.xml", CATALOG)
    client.upload("offers.xml", OFFERS)
    client.import_until_done("import.xml")

    assert ExchangeSession.objects.get().status == ExchangeSession.Status.OPEN
    client.import_until_done("offers.xml")
    assert ExchangeSession.objects.get().status == ExchangeSession.Status.WARNINGS


def test_a_file_uploaded_after_the_final_status_puts_the_session_back_in_progress():
    client = OneC()
    assert client.checkauth()[0] == "success"
    client.call("init", version="2.08")
    client.upload("import.xml", CATALOG)
    client.import_until_done("import.xml")
    assert ExchangeSession.objects.get().status == ExchangeSession.Status.COMPLETE

    client.upload("offers.xml", OFFERS)
    session = ExchangeSession.objects.get()
    assert (session.status, session.finished_at) == (ExchangeSession.Status.OPEN, None)
    client.import_until_done("offers.xml")
    assert ExchangeSession.objects.get().status == ExchangeSession.Status.WARNINGS


def test_a_failed_file_makes_the_exchange_failed_and_complete_keeps_it_so():
    answers = exchange(
        {"import.xml": CATALOG, "broken.xml": b"<?xml version='1.0'?><a><b></a>"}, complete=True
    )

    assert answers["broken.xml"][0] == "failure"
    assert ExchangeSession.objects.get().status == ExchangeSession.Status.FAILED


def test_a_sale_exchange_ends_when_1c_confirms_the_orders():
    client = OneC(kind="sale")
    assert client.checkauth()[0] == "success"
    client.call("init", version="2.08")
    client.call("query")
    assert ExchangeSession.objects.get().status == ExchangeSession.Status.OPEN
    client.call("success")
    assert ExchangeSession.objects.get().status == ExchangeSession.Status.COMPLETE


def counts_of(name: str) -> dict:
    return ExchangeFile.objects.filter(name=name).latest("pk").counts


def test_the_same_catalog_counts_the_same_every_time():
    """Before: the second run counted fewer variants (100,000, then 66,666) once the offers
    had brought characteristics, and `products` did not say created from unchanged."""
    exchange({"import.xml": CATALOG, "offers.xml": OFFERS})
    first = counts_of("import.xml")
    exchange({"import.xml": CATALOG, "offers.xml": OFFERS})
    again = counts_of("import.xml")

    keys = ("products", "variants", "sections")
    assert {k: v for k, v in first.items() if k.startswith(keys)} == {
        "sections": 1,
        "sections_created": 1,
        "sections_updated": 0,
        "sections_unchanged": 0,
        "products": 2,
        "products_created": 2,
        "products_updated": 0,
        "products_unchanged": 0,
    }
    assert {k: v for k, v in again.items() if k.startswith(keys)} == {
        "sections": 1,
        "sections_created": 0,
        "sections_updated": 0,
        "sections_unchanged": 1,
        "products": 2,
        "products_created": 0,
        "products_updated": 0,
        "products_unchanged": 2,
    }
    assert Variant.objects.filter(product__ext_id="p-1", is_active=True).count() == 2
    offers = counts_of("offers.xml")
    assert (offers["prices"], offers["prices_changed"], offers["prices_unchanged"]) == (3, 0, 3)


def test_a_changed_product_counts_as_updated():
    exchange({"import.xml": CATALOG})
    changed = CATALOG.replace("Маска".encode(), "Маска медицинская".encode())
    exchange({"import.xml": changed})

    counts = counts_of("import.xml")
    assert (
        counts["products_created"],
        counts["products_updated"],
        counts["products_unchanged"],
    ) == (0, 1, 1)


@pytest.fixture
def staff_client(db):
    return client_for(StaffUserFactory(is_superuser=True, email="root@supplier.example"))


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def content(html: str) -> str:
    """The pages' own part, without the header (it greets the staff user by name)."""
    return "".join(part.split('id="footer"')[0] for part in html.split('id="content"')[1:])


def test_the_exchange_log_speaks_russian_and_shows_counts_in_words(staff_client):
    exchange({"import.xml": CATALOG, "offers.xml": OFFERS})
    session = ExchangeSession.objects.get()
    offers = session.files.get(name="offers.xml")

    sessions = page(staff_client, reverse("admin:exchange_exchangesession_changelist"))
    files = page(staff_client, reverse("admin:exchange_exchangefile_changelist"))
    session_page = page(
        staff_client, reverse("admin:exchange_exchangesession_change", args=[session.pk])
    )
    file_page = page(staff_client, reverse("admin:exchange_exchangefile_change", args=[offers.pk]))

    headers = re.compile(r'<th scope="col"[^>]*>.*?<a [^>]*>([^<]+)</a>', re.S)
    table = sessions[sessions.index('id="result_list"') :]
    assert headers.findall(table) == [
        "Начат",
        "Вид",
        "Пользователь",
        "Версия CommerceML",
        "Статус",
        "Завершён",
        "IP-адрес",
    ]
    assert "С предупреждениями" in sessions
    for text in ("Частей", "Длительность", "Объекты", "Предупреждения", "Содержимое"):
        assert text in session_page, text
    assert "IP-адрес" in content(sessions)
    for english in ("User", "Remote addr", "Chunks", "Duration", "Received at", "Queried at"):
        assert english not in content(sessions + session_page + file_page + files), english
    assert re.findall(r'class="field-kind">([^<]+)<', files) == ["Каталог", "Предложения"]
    # The session is named by its local start time, as the dates beside it are shown.
    assert f"Каталог {timezone.localtime(session.started_at):%Y-%m-%d %H:%M}" in files
    assert "товаров: 2 создано" in session_page
    assert "цен: 3 изменено" in file_page
    assert "предложений для товаров, которых нет на сайте: 12 (например: ghost-01" in file_page
    assert "12 предложений для товаров, которых нет на сайте" in file_page  # the warning
    for raw in ('{"', "offers_unknown_product", "prices_changed"):
        assert raw not in session_page + file_page + files, raw


def test_exchange_files_are_read_only_in_the_admin(staff_client):
    exchange({"import.xml": CATALOG})
    file = ExchangeFile.objects.get()
    session = file.session

    file_page = page(staff_client, reverse("admin:exchange_exchangefile_change", args=[file.pk]))
    delete = reverse("admin:exchange_exchangefile_delete", args=[file.pk])
    assert staff_client.get(delete).status_code == 403
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:exchange_exchangefile_changelist")
    response = staff_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [file.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert staff_client.get(reverse("admin:exchange_exchangefile_add")).status_code == 403
    change = reverse("admin:exchange_exchangefile_change", args=[file.pk])
    assert staff_client.post(change, {"name": "other.xml"}).status_code == 403
    session_delete = reverse("admin:exchange_exchangesession_delete", args=[session.pk])
    assert staff_client.post(session_delete, {"post": "yes"}).status_code == 403
    assert ExchangeFile.objects.filter(pk=file.pk, name="import.xml").exists()
    assert 'name="_save"' not in file_page
    assert "deletelink" not in file_page
    assert "delete_selected" not in page(staff_client, changelist)


def test_staff_may_still_queue_a_file_again(staff_client):
    exchange({"import.xml": CATALOG})
    file = ExchangeFile.objects.get()

    response = staff_client.post(
        reverse("admin:exchange_exchangefile_changelist"),
        {"action": "rerun", "_selected_action": [file.pk]},
    )

    assert response.status_code == 302
    file.refresh_from_db()
    assert file.status == ExchangeFile.Status.DONE  # the immediate backend ran it again
    assert file.counts["products_unchanged"] == 2
