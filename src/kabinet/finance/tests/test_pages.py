"""Finance pages (F1–F4): reports, documents, calendar, acts — scoped, exported, query-counted."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from python_calamine import CalamineWorkbook
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Section
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.comms.models import Notification
from kabinet.finance import selectors
from kabinet.finance.models import ReconciliationRequest, ReconciliationStatus
from kabinet.finance.services import reconciliation_act_attach, reconciliation_request_create
from kabinet.finance.tests.factories import PDF
from kabinet.finance.tests.ledger import debt_send, payments_send, schedule_send


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def _xlsx_rows(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def payments(partner, other_partner):
    """Alpha: head pays 100 + 250 (agreement) + 40 (none), the branch 1,000; one payment last
    year. Omega has a payment too."""
    payments_send(
        partner,
        [
            ("p1", 0, True, "101", datetime.date(2026, 1, 10), "100.00"),
            ("p2", 0, True, "102", datetime.date(2026, 2, 10), "250.00"),
            ("p3", 0, False, "103", datetime.date(2026, 3, 10), "40.00"),
            ("p4", 1, True, "201", datetime.date(2026, 4, 10), "1000.00"),
            ("p5", 1, True, "202", datetime.date(2025, 4, 10), "7.00"),
        ],
    )
    payments_send(other_partner, [("o1", 0, True, "901", datetime.date(2026, 1, 5), "999.00")])


def _report_rows(report) -> list[tuple]:
    return [(g.counterparty, g.agreement, g.count, g.total) for g in report.groups]


def test_the_report_sums_the_period_per_counterparty(scope, payments):
    report = selectors.payment_report(
        scope, date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31)
    )

    assert _report_rows(report) == [
        ("Alpha Pharmacy branch 1", "", 1, Decimal("1000.00")),
        ("Alpha Pharmacy head", "", 3, Decimal("390.00")),
    ]
    assert report.totals == {"RUB": (4, Decimal("1390.00"))}


def test_the_report_sums_per_agreement_and_filters_by_counterparty(scope, payments, partner):
    head = partner.counterparties.get(name="Alpha Pharmacy head")

    report = selectors.payment_report(scope, group_by="agreement", counterparty_id=head.pk)

    assert _report_rows(report) == [
        ("Alpha Pharmacy head", "", 1, Decimal("40.00")),
        ("Alpha Pharmacy head", "Alpha Pharmacy head agreement", 2, Decimal("350.00")),
    ]
    assert report.totals == {"RUB": (3, Decimal("390.00"))}


def test_an_employee_restricted_to_a_counterparty_sees_only_its_payments(partner, payments):
    branch = partner.counterparties.get(name="Alpha Pharmacy branch 1")
    user = UserFactory(partner=partner, sections=[Section.FINANCE])
    user.counterparties.set([branch])
    scope = scope_for(user)

    report = selectors.payment_report(scope)
    documents = selectors.payment_filtered(scope)
    # Asking for another counterparty of the partner gives nothing, not its payments.
    head = partner.counterparties.get(name="Alpha Pharmacy head")
    other = selectors.payment_filtered(scope, counterparty_id=head.pk)

    assert _report_rows(report) == [("Alpha Pharmacy branch 1", "", 2, Decimal("1007.00"))]
    assert [p.number for p in documents] == ["201", "202"]
    assert list(other) == []


def test_payment_documents_are_found_by_number_and_never_another_partners(scope, payments):
    assert [p.number for p in selectors.payment_filtered(scope, number="10")] == [
        "103",
        "102",
        "101",
    ]
    assert [p.number for p in selectors.payment_filtered(scope, number="90")] == []


def test_finance_reads_need_the_finance_section(partner, payments):
    scope = scope_for(UserFactory(partner=partner, sections=[Section.ORDERS]))

    with pytest.raises(PermissionDenied):
        selectors.payment_report(scope)


# ── Calendar (F4) ───────────────────────────────────────────────────────────────────────────


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def schedule(partner, other_partner, today):
    day = datetime.timedelta(days=1)
    schedule_send(
        partner,
        [
            ("s1", 0, "Invoice 1", today - 10 * day, "1000.00", "400.00"),
            ("s2", 1, "Invoice 2", today - 1 * day, "300.00", "0.00"),
            ("s3", 0, "Invoice 3", today, "500.00", "0.00"),
            ("s4", 0, "Invoice 4", today + 5 * day, "700.00", "100.00"),
            ("s5", 1, "Invoice 5", today + 30 * day, "50.00", "0.00"),
            ("s6", 0, "Invoice 6 (paid)", today - 20 * day, "90.00", "90.00"),
        ],
    )
    schedule_send(other_partner, [("o1", 0, "Omega invoice", today, "5.00", "0.00")])
    head, branch = partner.counterparties.order_by("pk")
    head_agreement = head.agreements.get()
    head_agreement.credit_limit = Decimal("2000.00")
    head_agreement.save()
    branch_agreement = branch.agreements.get()
    branch_agreement.credit_limit = Decimal("500.00")
    branch_agreement.save()
    debt_send(head_agreement, balance="1500.00", overdue="600.00", as_of=today)
    debt_send(branch_agreement, balance="800.00", overdue="300.00", as_of=today)


def _calendar(calendar) -> dict:
    return {
        group.key: ([item.document for item in group.items], group.count, group.totals)
        for group in calendar.groups
    }


def test_the_calendar_groups_open_lines_as_overdue_today_and_upcoming(scope, schedule, today):
    calendar = selectors.payment_calendar(scope, today=today)

    assert _calendar(calendar) == {
        "overdue": (["Invoice 1", "Invoice 2"], 2, {"RUB": Decimal("900.00")}),
        "today": (["Invoice 3"], 1, {"RUB": Decimal("500.00")}),
        "upcoming": (["Invoice 4", "Invoice 5"], 2, {"RUB": Decimal("650.00")}),
    }


def test_the_calendar_filters_by_counterparty_and_caps_the_lines_shown(
    scope, schedule, partner, today
):
    branch = partner.counterparties.get(name="Alpha Pharmacy branch 1")

    calendar = selectors.payment_calendar(scope, today=today, counterparty_id=branch.pk, rows=0)

    assert _calendar(calendar) == {
        "overdue": ([], 1, {"RUB": Decimal("300.00")}),
        "today": ([], 0, {}),
        "upcoming": ([], 1, {"RUB": Decimal("50.00")}),
    }
    assert calendar.groups[0].more == 1
    assert [c.agreement for c in calendar.agreements] == ["Alpha Pharmacy branch 1 agreement"]


def test_each_agreement_shows_limit_debt_overdue_and_what_is_available(scope, schedule):
    credits = selectors.agreement_credit(scope)

    assert [
        (c.agreement, c.limit, c.debt, c.overdue, c.available, c.over_limit) for c in credits
    ] == [
        (
            "Alpha Pharmacy branch 1 agreement",
            Decimal("500.00"),
            Decimal("800.00"),
            Decimal("300.00"),
            Decimal("0.00"),
            True,
        ),
        (
            "Alpha Pharmacy head agreement",
            Decimal("2000.00"),
            Decimal("1500.00"),
            Decimal("600.00"),
            Decimal("500.00"),
            False,
        ),
    ]


def test_the_calendar_page_marks_overdue_lines_and_shows_no_other_partners(
    english_client, schedule
):
    response = english_client.get("/finance/calendar/")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-group="overdue"') == 2
    assert body.count('data-group="today"') == 1
    assert body.count('data-group="upcoming"') == 2
    assert 'data-testid="over-limit"' in body
    assert "Omega invoice" not in body
    assert "Invoice 6 (paid)" not in body


def test_the_calendar_exports_every_open_line(english_client, schedule):
    response = english_client.get("/finance/calendar/export.xlsx")

    rows = _xlsx_rows(response)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="payment-calendar.xlsx"'
    assert rows[0][:3] == ["Status", "Due date", "Document"]
    assert [row[2] for row in rows[1:]] == [
        "Invoice 1",
        "Invoice 2",
        "Invoice 3",
        "Invoice 4",
        "Invoice 5",
    ]
    assert [row[8] for row in rows[1:]] == [600.0, 300.0, 500.0, 600.0, 50.0]


def test_the_credit_table_exports_as_csv(english_client, schedule):
    response = english_client.get("/finance/credit/export.csv")

    rows = _csv_rows(response)
    assert rows[0] == [
        "Counterparty",
        "Agreement",
        "Credit limit",
        "Debt",
        "Overdue debt",
        "Available",
        "As of",
        "Currency",
    ]
    assert rows[1][:6] == [
        "Alpha Pharmacy branch 1",
        "Alpha Pharmacy branch 1 agreement",
        "500.00",
        "800.00",
        "300.00",
        "0.00",
    ]


# ── Pages: access, content, exports, query counts ───────────────────────────────────────────

FINANCE_PAGES = ["/finance/calendar/", "/finance/report/", "/finance/payments/", "/finance/acts/"]


@pytest.mark.parametrize("url", [*FINANCE_PAGES, "/finance/payments/export.csv"])
def test_finance_pages_are_refused_without_the_finance_section(partner, url):
    client = client_for(UserFactory(partner=partner, sections=[Section.ORDERS]))

    assert client.get(url).status_code == 403


def test_the_menu_shows_finance_only_to_those_who_have_it(partner, partner_client):
    without = client_for(UserFactory(partner=partner, sections=[Section.ORDERS]))

    assert 'href="/finance/calendar/"' in partner_client.get("/orders/").content.decode()
    assert 'href="/finance/calendar/"' not in without.get("/orders/").content.decode()


def test_the_report_page_shows_groups_and_the_total(english_client, payments):
    response = english_client.get(
        "/finance/report/", {"date_from": "2026-01-01", "date_to": "2026-12-31"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="report-row"') == 2
    assert "1,390.00" in body
    assert "999" not in body


def test_the_report_exports_its_groups_and_total(english_client, payments):
    query = {"date_from": "2026-01-01", "date_to": "2026-12-31", "group_by": "agreement"}

    rows = _xlsx_rows(english_client.get("/finance/report/export.xlsx", query))

    assert rows == [
        ["Counterparty", "Agreement", "Payments", "Amount", "Currency"],
        ["Alpha Pharmacy branch 1", "Alpha Pharmacy branch 1 agreement", 1.0, 1000.0, "RUB"],
        ["Alpha Pharmacy head", "No agreement", 1.0, 40.0, "RUB"],
        ["Alpha Pharmacy head", "Alpha Pharmacy head agreement", 2.0, 350.0, "RUB"],
        ["Total", "", 4.0, 1390.0, "RUB"],
    ]


def test_the_documents_page_searches_by_number_and_exports_the_same(english_client, payments):
    page = english_client.get("/finance/payments/", {"number": "20"})
    rows = _csv_rows(english_client.get("/finance/payments/export.csv", {"number": "20"}))

    body = page.content.decode()
    assert body.count('data-testid="payment-row"') == 2
    assert "Payment 201 for goods" in body
    assert rows[0] == [
        "Payment order number",
        "Date",
        "Counterparty",
        "Agreement",
        "Purpose of payment",
        "Amount",
        "Currency",
    ]
    assert [row[0] for row in rows[1:]] == ["201", "202"]
    assert rows[1][2:] == [
        "Alpha Pharmacy branch 1",
        "Alpha Pharmacy branch 1 agreement",
        "Payment 201 for goods",
        "1000.00",
        "RUB",
    ]


def test_exports_keep_formula_like_numbers_as_text(english_client, partner):
    payments_send(partner, [("f1", 0, False, "=1+2", datetime.date(2026, 1, 1), "1.00")])

    rows = _csv_rows(english_client.get("/finance/payments/export.csv"))

    assert rows[1][0] == "'=1+2"


def _more_finance(partner, n: int, tag: str) -> None:
    payments_send(
        partner,
        [
            (f"{tag}p{i}", i % 2, True, f"{tag}{i}", datetime.date(2026, 1, 1 + i), "10.00")
            for i in range(n)
        ],
    )
    today = timezone.localdate()
    schedule_send(
        partner,
        [
            (f"{tag}s{i}", i % 2, f"Doc {tag}{i}", today + datetime.timedelta(days=i - n), "9", "0")
            for i in range(2 * n)
        ],
    )
    for i in range(n):
        reconciliation_request_create(
            scope=scope_for(partner.users.order_by("pk").first()),
            counterparty_id=partner.counterparties.order_by("pk")[i % 2].pk,
            period_from=datetime.date(2025, 1, 1),
            period_to=datetime.date(2025, 3, 31),
            with_stamp=bool(i % 2),
        )


@pytest.mark.parametrize("url", FINANCE_PAGES)
def test_finance_pages_take_the_same_queries_for_few_and_many_rows(
    partner, partner_client, url, partner_admin
):
    _more_finance(partner, 2, "a")
    few = _queries(lambda: partner_client.get(url))
    _more_finance(partner, 12, "b")

    many = _queries(lambda: partner_client.get(url))

    assert many == few


# ── Reconciliation acts (F3) ────────────────────────────────────────────────────────────────


def test_an_act_is_requested_through_the_form(english_client, partner, partner_admin):
    branch = partner.counterparties.get(name="Alpha Pharmacy branch 1")

    response = english_client.post(
        "/finance/acts/",
        {
            "counterparty": branch.pk,
            "period_from": "2026-01-01",
            "period_to": "2026-03-31",
            "with_stamp": "on",
        },
    )

    request = ReconciliationRequest.objects.get()
    assert response.status_code == 302
    assert (
        request.partner_id,
        request.counterparty_id,
        request.requested_by,
        request.period_from,
        request.period_to,
        request.with_stamp,
        request.status,
    ) == (
        partner.pk,
        branch.pk,
        partner_admin,
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
        True,
        ReconciliationStatus.REQUESTED,
    )
    page = english_client.get("/finance/acts/").content.decode()
    assert 'data-status="requested"' in page


def test_an_act_of_another_partners_counterparty_or_the_future_is_refused(
    english_client, other_partner
):
    foreign = other_partner.counterparties.order_by("pk").first()
    partner_counterparty = english_client.get("/finance/acts/").context["form"]
    own = partner_counterparty.fields["counterparty"].choices[0][0]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    refused = english_client.post(
        "/finance/acts/",
        {"counterparty": foreign.pk, "period_from": "2026-01-01", "period_to": "2026-01-31"},
    )
    future = english_client.post(
        "/finance/acts/",
        {"counterparty": own, "period_from": "2026-01-01", "period_to": tomorrow.isoformat()},
    )

    assert refused.status_code == 400
    assert future.status_code == 400
    assert "The period cannot end in the future." in future.content.decode()
    assert ReconciliationRequest.objects.count() == 0


def _request(partner, user) -> ReconciliationRequest:
    return reconciliation_request_create(
        scope=scope_for(user),
        counterparty_id=partner.counterparties.order_by("pk").first().pk,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 3, 31),
        with_stamp=False,
    )


def test_a_ready_act_is_downloaded_and_its_requester_told(
    partner, partner_admin, partner_client, django_capture_on_commit_callbacks, english, settings
):
    settings.LANGUAGE_CODE = "en"  # users are written to in the portal's language
    act_request = _request(partner, partner_admin)
    pending = partner_client.get(f"/finance/acts/{act_request.pk}/act.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        reconciliation_act_attach(request_id=act_request.pk, content=PDF, max_bytes=10**6)
    response = partner_client.get(f"/finance/acts/{act_request.pk}/act.pdf")

    assert pending.status_code == 404
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    notification = Notification.objects.get()
    assert (notification.user, notification.title) == (
        partner_admin,
        "The reconciliation act is ready",
    )
    assert notification.body == (
        "Reconciliation act of Alpha Pharmacy head for 01/01/2026 – 03/31/2026: "
        "download it under Finance → Reconciliation acts."
    )
    assert [message.to for message in mail.outbox] == [[partner_admin.email]]
    assert mail.outbox[0].subject == "The reconciliation act is ready"
    assert "/finance/acts/" in mail.outbox[0].body


def test_a_replaced_act_is_not_announced_twice(
    partner, partner_admin, django_capture_on_commit_callbacks
):
    act_request = _request(partner, partner_admin)
    with django_capture_on_commit_callbacks(execute=True):
        reconciliation_act_attach(request_id=act_request.pk, content=PDF, max_bytes=10**6)
    with django_capture_on_commit_callbacks(execute=True):
        reconciliation_act_attach(request_id=act_request.pk, content=PDF, max_bytes=10**6)

    assert Notification.objects.count() == 1


def test_another_partners_act_is_not_found(partner, other_partner, other_admin, partner_client):
    act_request = _request(other_partner, other_admin)
    reconciliation_act_attach(request_id=act_request.pk, content=PDF, max_bytes=10**6)

    assert partner_client.get(f"/finance/acts/{act_request.pk}/act.pdf").status_code == 404


def test_the_acts_list_exports_with_statuses(english_client, partner, partner_admin):
    act_request = _request(partner, partner_admin)
    reconciliation_act_attach(request_id=act_request.pk, content=PDF, max_bytes=10**6)

    rows = _xlsx_rows(english_client.get("/finance/acts/export.xlsx"))

    assert rows[0][1:6] == [
        "Counterparty",
        "Period from",
        "Period to",
        "With stamp and signature",
        "Status",
    ]
    assert rows[1][1] == "Alpha Pharmacy head"
    assert rows[1][4:6] == ["no", "Ready"]


def test_available_credit_is_unknown_until_the_erp_reports_the_debt(scope, partner):
    agreement = partner.counterparties.order_by("pk").first().agreements.get()
    agreement.credit_limit = Decimal("1000.00")
    agreement.save()

    credit = next(c for c in selectors.agreement_credit(scope) if c.agreement_id == agreement.pk)

    assert (credit.limit, credit.debt, credit.available) == (Decimal("1000.00"), None, None)


def test_an_employee_restricted_to_a_counterparty_cannot_ask_or_fetch_for_another(
    partner, partner_admin
):
    head, branch = partner.counterparties.order_by("pk")
    user = UserFactory(partner=partner, sections=[Section.FINANCE])
    user.counterparties.set([branch])
    client = client_for(user)
    heads_act = _request(partner, partner_admin)
    reconciliation_act_attach(request_id=heads_act.pk, content=PDF, max_bytes=10**6)

    asked = client.post(
        "/finance/acts/",
        {"counterparty": head.pk, "period_from": "2026-01-01", "period_to": "2026-01-31"},
    )
    fetched = client.get(f"/finance/acts/{heads_act.pk}/act.pdf")
    listed = client.get("/finance/acts/")

    assert asked.status_code == 400
    assert fetched.status_code == 404
    assert list(listed.context["requests"]) == []
    assert ReconciliationRequest.objects.count() == 1


def test_the_documents_search_answers_htmx_with_the_rows_only(partner_client, payments):
    response = partner_client.get(
        "/finance/payments/", {"number": "201"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="payment-rows">')
    assert body.count('data-testid="payment-row"') == 1
