"""The price list as a background task (B8, issue 13 point 5): progress, the download link,
one build per agreement and price version, never a file older than a committed change."""

import io
import time
from decimal import Decimal
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from tests.conftest_helpers import client_for

from kabinet.accounts.tests.factories import StaffUserFactory
from kabinet.catalog.tests.factories import catalog_make
from kabinet.catalog.tests.helpers import head_agreement
from kabinet.exchange.importing import import_file
from kabinet.exchange.tests import cml_writer as cml
from kabinet.pricing.models import Price, PriceList
from kabinet.pricing.services import price_list_storage

URL = "/catalog/price-list.xlsx"


@pytest.fixture
def english(partner_client, settings, tmp_path):
    settings.KABINET_PRIVATE_DIR = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    partner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return partner_client


def _rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def _prices(response) -> list[float]:
    return sorted(row[7] for row in _rows(response)[1:])


def _offers(tmp_path: Path, variant, price_type, amount: str) -> None:
    path = cml.write(
        tmp_path / "offers.xml",
        cml.package(
            cml.offer(variant.ext_id, prices=[(price_type.ext_id, amount)]), only_changes=True
        ),
    )
    import_file(path=path)


def test_a_small_list_is_built_at_once_and_served_from_the_private_folder(
    partner, english, settings, tmp_path
):
    catalog_make(partner, products=2, price="100.00")

    response = english.get(URL)

    assert response.status_code == 200
    assert _prices(response) == [100.0, 100.0]
    built = PriceList.objects.get()
    assert (built.status, built.rows, built.language) == (PriceList.Status.READY, 2, "en")
    path = Path(price_list_storage().path(built.file_name))
    assert path.is_file()
    assert (tmp_path / "private") in path.parents
    assert not (tmp_path / "media").exists()


def test_the_next_download_is_the_built_file_until_an_import_changes_a_price(
    partner, english, tmp_path
):
    data = catalog_make(partner, products=2, price="100.00")
    assert _prices(english.get(URL)) == [100.0, 100.0]
    built = PriceList.objects.get()
    path = Path(price_list_storage().path(built.file_name))
    path.write_bytes(path.read_bytes())  # same content, a new mtime we can compare
    stamp = path.stat().st_mtime_ns

    again = english.get(URL)

    assert _prices(again) == [100.0, 100.0]
    assert (PriceList.objects.count(), path.stat().st_mtime_ns) == (1, stamp)

    _offers(tmp_path, data.variants[1], head_agreement(partner).price_type, "123.45")
    rebuilt = english.get(URL)

    assert _prices(rebuilt) == [100.0, 123.45]
    assert PriceList.objects.filter(status=PriceList.Status.READY).count() == 2
    assert PriceList.objects.latest("version").version > built.version


def test_a_price_saved_by_staff_in_the_admin_is_in_the_next_download(partner, english, staff_user):
    data = catalog_make(partner, products=1, price="100.00")
    assert _prices(english.get(URL)) == [100.0]
    price = Price.objects.get(
        variant=data.variants[0], price_type=head_agreement(partner).price_type
    )
    staff = client_for(StaffUserFactory(is_superuser=True, email="root@supplier.example"))

    response = staff.post(
        f"/admin/pricing/price/{price.pk}/change/",
        {"variant": price.variant_id, "price_type": price.price_type_id, "amount": "88.00"},
    )

    assert response.status_code == 302
    assert _prices(english.get(URL)) == [88.0]


def test_a_built_list_of_older_prices_is_never_served_by_its_link(partner, english):
    data = catalog_make(partner, products=1, price="100.00")
    english.get(URL)
    old = PriceList.objects.get()
    price = Price.objects.get(
        variant=data.variants[0], price_type=head_agreement(partner).price_type
    )
    price.amount = Decimal("55.00")
    price.save()

    response = english.get(f"/catalog/price-lists/{old.pk}/price-list.xlsx")

    assert response.status_code == 302
    assert response["Location"] == f"/catalog/price-lists/{old.pk}/"
    page = english.get(response["Location"])
    new = PriceList.objects.exclude(pk=old.pk).get()
    assert page["Location"] == f"/catalog/price-lists/{new.pk}/"
    assert _prices(english.get(f"/catalog/price-lists/{new.pk}/price-list.xlsx")) == [55.0]


def test_a_large_list_shows_its_progress_until_the_task_has_built_it(
    partner, english, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KABINET_PRICE_LIST_TASK_ROWS = 2
    catalog_make(partner, products=3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = english.get(URL)
    built = PriceList.objects.get()
    assert response["Location"] == f"/catalog/price-lists/{built.pk}/"
    assert (built.status, len(callbacks)) == (PriceList.Status.BUILDING, 1)
    page = english.get(response["Location"]).content.decode()
    assert 'data-testid="progress"' in page
    assert 'data-testid="download"' not in page
    poll = english.get(f"{response['Location']}?progress=1", HTTP_HX_REQUEST="true")
    assert 'aria-valuenow="0"' in poll.content.decode()
    assert "<html" not in poll.content.decode()

    callbacks[0]()  # the commit enqueues the task; the ImmediateBackend runs it

    built.refresh_from_db()
    assert (built.status, built.progress, built.rows) == (PriceList.Status.READY, 100, 3)
    poll = english.get(f"{response['Location']}?progress=1", HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    page = english.get(response["Location"]).content.decode()
    assert f'href="/catalog/price-lists/{built.pk}/price-list.xlsx"' in page


def test_two_requests_of_the_same_version_share_one_build(
    partner, english, settings, django_capture_on_commit_callbacks
):
    settings.KABINET_PRICE_LIST_TASK_ROWS = 2
    catalog_make(partner, products=3)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = english.get(URL)
        second = english.get(URL)

    assert first["Location"] == second["Location"]
    assert (PriceList.objects.count(), len(callbacks)) == (1, 1)


def test_another_partner_cannot_open_or_download_a_price_list(partner, english, other_admin):
    catalog_make(partner, products=1)
    english.get(URL)
    built = PriceList.objects.get()
    stranger = client_for(other_admin)

    assert stranger.get(f"/catalog/price-lists/{built.pk}/").status_code == 404
    assert stranger.get(f"/catalog/price-lists/{built.pk}/price-list.xlsx").status_code == 404


def test_the_real_worker_builds_a_large_list_with_its_progress(
    task_worker, partner, partner_admin, settings, tmp_path
):
    settings.KABINET_PRIVATE_DIR = tmp_path / "private"
    settings.KABINET_PRICE_LIST_TASK_ROWS = 2
    settings.LANGUAGE_CODE = "en"
    catalog_make(partner, products=5, price="42.00")
    client = client_for(partner_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(URL)
    built = PriceList.objects.get()
    assert response["Location"] == f"/catalog/price-lists/{built.pk}/"

    deadline = time.monotonic() + 30
    while built.status == PriceList.Status.BUILDING and time.monotonic() < deadline:
        time.sleep(0.1)
        built.refresh_from_db()

    assert (built.status, built.progress, built.rows) == (PriceList.Status.READY, 100, 5)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="download"' in page
    download = client.get(f"/catalog/price-lists/{built.pk}/price-list.xlsx")
    assert _prices(download) == [42.0] * 5
