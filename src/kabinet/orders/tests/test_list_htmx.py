"""The order list's address answers htmx with its rows, and everything else with the page.

Back, reload and htmx's history restore load the pushed address again: they must get the
whole page, and no cache may hand them the fragment (hence `Vary`).
"""

import pytest
from django.urls import reverse

from kabinet.orders.tests.factories import orders_make
from kabinet.orders.workflow import Status

LIST = reverse("orders:list")
FILTERED = {"status": Status.SENT}


@pytest.fixture
def orders(partner):
    return orders_make(partner, n=8)


def _is_whole_page(body: str) -> bool:
    return body.lstrip().startswith("<!doctype html>") and 'data-testid="order-filters"' in body


def test_an_htmx_filter_gets_only_the_rows(partner_client, orders):
    response = partner_client.get(
        LIST, FILTERED, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="order-rows"
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="order-rows">')
    assert not _is_whole_page(body)
    assert body.count('data-testid="order-row"') == 1


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="page-load"),
        pytest.param(
            {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},
            id="htmx-history-restore",
        ),
        pytest.param({"HTTP_HX_REQUEST": "true", "HTTP_HX_BOOSTED": "true"}, id="boosted-link"),
    ],
)
def test_the_filtered_address_loaded_again_gets_the_whole_page(partner_client, orders, headers):
    response = partner_client.get(LIST, FILTERED, **headers)

    body = response.content.decode()
    assert _is_whole_page(body)
    assert body.count('data-testid="order-row"') == 1
    assert '<option value="sent" selected>' in body


@pytest.mark.parametrize("headers", [{}, {"HTTP_HX_REQUEST": "true"}])
def test_every_answer_varies_on_the_htmx_headers(partner_client, orders, headers):
    response = partner_client.get(LIST, FILTERED, **headers)

    vary = {value.strip() for value in response["Vary"].split(",")}
    assert {"HX-Request", "HX-History-Restore-Request", "HX-Target"} <= vary
