import base64
import datetime
from decimal import Decimal

import pytest
from django.core import mail

from kabinet.accounts.models import (
    ALL_SECTIONS,
    Agreement,
    Counterparty,
    DeliveryAddress,
    Partner,
    User,
)
from kabinet.accounts.tests.factories import PriceTypeFactory, StaffUserFactory, UserFactory
from kabinet.api.tests.factories import ErpClient, erp_token
from kabinet.comms.sms import MemorySmsSender
from kabinet.finance.models import (
    Debt,
    OrderPayment,
    Payment,
    ReconciliationRequest,
    ReconciliationStatus,
    ScheduleItem,
)
from kabinet.finance.tests.factories import PDF
from kabinet.orders.tests.factories import goods_make, order_make

# Real check digits: the API checks INN and KPP as `kabinet load-partners` does.
INN = "7707083893"
KPP = "773601001"


@pytest.fixture
def erp(db):
    return ErpClient(erp_token())


def _company(erp):
    StaffUserFactory(email="manager@supplier.example")
    PriceTypeFactory(ext_id="pt-retail", name="Retail")
    assert erp.post(
        "/partners",
        {
            "items": [
                {"ext_id": "p1", "name": "Pharmacy", "manager_email": "MANAGER@supplier.example"}
            ]
        },
    ).json() == {"created": 1, "updated": 0, "unchanged": 0, "deleted": 0}
    counterparties = [
        {"ext_id": "c-branch", "partner_ext_id": "p1", "name": "Branch", "parent_ext_id": "c-head"},
        {"ext_id": "c-head", "partner_ext_id": "p1", "name": "Head", "inn": INN, "kpp": KPP},
    ]
    assert erp.post("/counterparties", {"items": counterparties}).json()["created"] == 2
    agreement = {
        "ext_id": "a1",
        "counterparty_ext_id": "c-head",
        "name": "Main",
        "price_type_ext_id": "pt-retail",
        "payment_deferral_days": 14,
        "credit_limit": "500000.00",
    }
    assert erp.post("/agreements", {"items": [agreement]}).json()["created"] == 1
    address = {"ext_id": "d1", "counterparty_ext_id": "c-head", "address": "Moscow, Tverskaya 1"}
    assert erp.post("/addresses", {"items": [address]}).json()["created"] == 1
    return counterparties, agreement


def test_a_company_is_built_through_the_api(erp):
    counterparties, _agreement = _company(erp)

    partner = Partner.objects.get(ext_id="p1")
    assert partner.manager.email == "manager@supplier.example"
    branch = Counterparty.objects.get(ext_id="c-branch")
    assert (branch.partner, branch.parent.ext_id) == (partner, "c-head")
    agreement = Agreement.objects.get(ext_id="a1")
    assert (agreement.credit_limit, agreement.payment_deferral_days) == (Decimal("500000"), 14)
    assert agreement.price_type.ext_id == "pt-retail"
    assert DeliveryAddress.objects.get(ext_id="d1").counterparty.ext_id == "c-head"
    # replayed: nothing changes, the parent link of the branch included
    assert erp.post("/counterparties", {"items": counterparties}).json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "deleted": 0,
    }
    listed = erp.get("/counterparties").json()["items"]
    assert {(c["ext_id"], c["parent_ext_id"], c["inn"]) for c in listed} == {
        ("c-branch", "c-head", ""),
        ("c-head", None, INN),
    }


def test_a_wrong_inn_and_a_loop_of_head_companies_are_refused(erp):
    _company(erp)
    items = [
        {"ext_id": "c-head", "partner_ext_id": "p1", "name": "Head", "parent_ext_id": "c-branch"},
        {"ext_id": "c-new", "partner_ext_id": "p1", "name": "New", "inn": "7707083894"},
    ]

    problem = erp.post("/counterparties", {"items": items}).json()

    assert [(e["item"], e["field"]) for e in problem["errors"]] == [
        (0, "parent_ext_id"),
        (1, "inn"),
    ]
    assert not Counterparty.objects.filter(ext_id="c-new").exists()
    assert Counterparty.objects.get(ext_id="c-head").parent is None


def test_deleting_an_account_entity_switches_it_off(erp):
    _company(erp)

    response = erp.post("/agreements", {"deleted": ["a1"]})

    assert response.json() == {"created": 0, "updated": 0, "unchanged": 0, "deleted": 1}
    assert Agreement.objects.get(ext_id="a1").is_active is False
    assert erp.post("/agreements", {"deleted": ["a1"]}).json()["unchanged"] == 1


def test_invitations_create_partner_users_once_and_send_their_passwords(
    erp, settings, django_capture_on_commit_callbacks
):
    settings.KABINET_SMS_BACKEND = "kabinet.comms.sms.MemorySmsSender"
    MemorySmsSender.outbox.clear()
    _company(erp)
    items = [
        {"partner_ext_id": "p1", "email": "Boss@Pharmacy.example", "full_name": "Ivan Petrov"},
        {"partner_ext_id": "p1", "phone": "+7 (999) 123-45-67", "sections": ["orders"]},
    ]

    with django_capture_on_commit_callbacks(execute=True):
        with_email = erp.post("/invitations", {"items": items})
        again = erp.post("/invitations", {"items": items})

    assert with_email.json() == {"created": 2, "updated": 0, "unchanged": 0, "deleted": 0}
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    boss = User.objects.get(email="boss@pharmacy.example")
    assert (boss.partner.ext_id, boss.sections, boss.must_change_password) == (
        "p1",
        list(ALL_SECTIONS),
        True,
    )
    assert User.objects.get(phone="+79991234567").sections == ["orders"]
    [letter] = mail.outbox
    assert letter.to == ["boss@pharmacy.example"]
    [sms] = MemorySmsSender.outbox
    assert sms.phone == "+79991234567"
    assert "+79991234567" in sms.text
    listed = erp.get("/invitations").json()["items"]
    assert {(u["email"], u["activated"]) for u in listed} == {
        ("boss@pharmacy.example", False),
        (None, False),
    }


def test_an_invitation_cannot_take_another_partners_login(erp):
    _company(erp)
    UserFactory(email="taken@other.example")

    response = erp.post(
        "/invitations", {"items": [{"partner_ext_id": "p1", "email": "taken@other.example"}]}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["item"] == 0
    assert User.objects.filter(email="taken@other.example").get().partner.ext_id != "p1"


def test_debts_and_schedule_are_kept_per_agreement(erp):
    _company(erp)
    debt = {
        "agreement_ext_id": "a1",
        "balance": "120000.00",
        "overdue": "20000",
        "as_of": "2026-12-01",
    }
    line = {
        "ext_id": "s1",
        "counterparty_ext_id": "c-head",
        "agreement_ext_id": "a1",
        "document": "Реализация 17 от 01.11.2026",
        "due_date": "2026-12-15",
        "amount": "30000",
        "paid": "10000",
    }

    assert erp.post("/debts", {"items": [debt]}).json()["created"] == 1
    assert erp.post("/debts", {"items": [{**debt, "balance": "100000"}]}).json()["updated"] == 1
    assert erp.post("/schedule", {"items": [line]}).json()["created"] == 1

    saved = Debt.objects.get()
    assert (saved.agreement.ext_id, saved.balance, saved.overdue) == (
        "a1",
        Decimal("100000.00"),
        Decimal("20000.00"),
    )
    assert saved.partner.ext_id == "p1"
    item = ScheduleItem.objects.get()
    assert (item.remaining, item.partner.ext_id) == (Decimal("20000.00"), "p1")
    bad = erp.post("/schedule", {"items": [{**line, "paid": "40000"}]}).json()
    assert bad["errors"] == [{"item": 0, "field": "paid", "message": "more than the amount"}]
    assert erp.post("/debts", {"deleted": ["a1"]}).json()["deleted"] == 1
    assert not Debt.objects.exists()


def test_the_agreement_of_a_payment_must_be_its_counterpartys(erp):
    _company(erp)
    item = {
        "ext_id": "pay",
        "number": "1",
        "date": "2026-11-01",
        "counterparty_ext_id": "c-branch",
        "agreement_ext_id": "a1",
        "amount": "10",
    }

    problem = erp.post("/payments", {"items": [item]}).json()

    assert problem["errors"] == [
        {
            "item": 0,
            "field": "agreement_ext_id",
            "message": "the agreement is another counterparty's",
        }
    ]


def test_order_payment_status_is_set_by_order_number(erp, partner, partner_admin):
    order = order_make(author=partner_admin, variants=goods_make(partner, n=1))
    item = {"order_number": order.number, "status": "partial", "paid_amount": "10.00"}

    assert erp.post("/order-payments", {"items": [item]}).json()["created"] == 1
    assert erp.post("/order-payments", {"items": [item]}).json()["unchanged"] == 1

    assert OrderPayment.objects.get(order=order).status == "partial"
    assert erp.get("/order-payments").json()["items"][0]["order_number"] == order.number


@pytest.fixture
def act_request(partner, partner_admin):
    from kabinet.accounts.scope import scope_for
    from kabinet.finance.services import reconciliation_request_create

    return reconciliation_request_create(
        scope=scope_for(partner_admin),
        counterparty_id=partner.counterparties.first().pk,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 6, 30),
        with_stamp=True,
    )


def test_the_erp_lists_requests_takes_one_and_uploads_the_act(erp, act_request):
    listed = erp.get("/reconciliation-requests", {"status": "requested"}).json()["items"]
    assert [(r["id"], r["with_stamp"], r["period_to"]) for r in listed] == [
        (act_request.pk, True, "2026-06-30")
    ]

    taken = erp.post(f"/reconciliation-requests/{act_request.pk}/take")
    assert taken.json()["status"] == "in_work"
    assert erp.get("/reconciliation-requests", {"status": "requested"}).json()["items"] == []

    uploaded = erp.post(
        f"/reconciliation-requests/{act_request.pk}/act",
        data={"file": _pdf_file()},
    )
    assert uploaded.status_code == 200
    assert (uploaded.json()["status"], uploaded.json()["has_act"]) == ("ready", True)
    act_request.refresh_from_db()
    assert act_request.act.read() == PDF
    assert "media" not in act_request.act.path


def _pdf_file(content=PDF, name="act.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_an_act_is_checked_by_its_content_and_size(erp, act_request, settings):
    not_pdf = erp.post(
        f"/reconciliation-requests/{act_request.pk}/act",
        data={"file": _pdf_file(b"MZ\x90\x00 not a pdf at all", "act.pdf")},
    )
    assert not_pdf.status_code == 422
    assert not_pdf.json()["errors"] == [
        {"item": None, "field": "file", "message": "The file is not a PDF."}
    ]
    settings.KABINET_ERP_ACT_MAX_MB = 0.00001  # ~10 bytes
    too_big = erp.post(
        f"/reconciliation-requests/{act_request.pk}/act-base64",
        {"content_base64": base64.b64encode(PDF).decode()},
    )
    assert too_big.status_code == 413
    act_request.refresh_from_db()
    assert (act_request.status, act_request.act.name) == (ReconciliationStatus.REQUESTED, "")


def test_an_act_in_base64_makes_the_request_ready(erp, act_request):
    response = erp.post(
        f"/reconciliation-requests/{act_request.pk}/act-base64",
        {"content_base64": base64.b64encode(PDF).decode()},
    )

    assert response.json()["status"] == "ready"
    assert ReconciliationRequest.objects.get().act.read() == PDF


def test_a_refused_request_keeps_its_reason_and_cannot_get_an_act(erp, act_request):
    refused = erp.post(
        f"/reconciliation-requests/{act_request.pk}/refuse", {"reason": "No sales in the period"}
    )
    assert (refused.json()["status"], refused.json()["refusal_reason"]) == (
        "refused",
        "No sales in the period",
    )

    late = erp.post(
        f"/reconciliation-requests/{act_request.pk}/act-base64",
        {"content_base64": base64.b64encode(PDF).decode()},
    )

    assert late.status_code == 409
    assert erp.post("/reconciliation-requests/999999/take").status_code == 404


def test_a_counterparty_stays_with_its_partner(erp):
    _company(erp)
    erp.post("/partners", {"items": [{"ext_id": "p2", "name": "Clinic"}]})
    payment = {
        "ext_id": "pay",
        "number": "1",
        "date": "2026-11-01",
        "counterparty_ext_id": "c-head",
        "amount": "10",
    }
    erp.post("/payments", {"items": [payment]})

    moved = erp.post(
        "/counterparties", {"items": [{"ext_id": "c-head", "partner_ext_id": "p2", "name": "Head"}]}
    )

    assert moved.json()["errors"] == [
        {
            "item": 0,
            "field": "partner_ext_id",
            "message": "in the portal this counterparty belongs to another partner (Pharmacy)",
        }
    ]
    assert Counterparty.objects.get(ext_id="c-head").partner.ext_id == "p1"
    assert Payment.objects.get().partner.ext_id == "p1"


def test_an_agreement_moves_only_within_its_partner(erp):
    _counterparties, agreement = _company(erp)
    erp.post("/partners", {"items": [{"ext_id": "p2", "name": "Clinic"}]})
    erp.post("/counterparties", {"items": [{"ext_id": "c2", "partner_ext_id": "p2", "name": "C"}]})

    within = erp.post("/agreements", {"items": [{**agreement, "counterparty_ext_id": "c-branch"}]})
    away = erp.post("/agreements", {"items": [{**agreement, "counterparty_ext_id": "c2"}]})

    assert within.json()["updated"] == 1
    assert away.json()["errors"] == [
        {
            "item": 0,
            "field": "counterparty_ext_id",
            "message": "in the portal this belongs to another partner (Pharmacy)",
        }
    ]
    assert Agreement.objects.get(ext_id="a1").counterparty.ext_id == "c-branch"
