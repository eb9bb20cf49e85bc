import datetime
from decimal import Decimal

import pytest

from kabinet.accounts.models import Agreement, Counterparty, Partner
from kabinet.api.models import ApiCall, ApiToken
from kabinet.api.tests.factories import ErpClient, erp_token
from kabinet.finance.models import Payment

PAYMENTS = [
    {
        "ext_id": f"pay-{n}",
        "number": f"{100 + n}",
        "date": f"2026-11-0{n}",
        "counterparty_ext_id": "cp-alpha",
        "agreement_ext_id": "ag-alpha",
        "purpose": "Оплата по счёту",
        "amount": f"{n}000.50",
    }
    for n in (1, 2, 3)
]


@pytest.fixture
def alpha(db):
    partner = Partner.objects.create(ext_id="p-alpha", name="Alpha")
    counterparty = Counterparty.objects.create(partner=partner, ext_id="cp-alpha", name="Alpha LLC")
    Agreement.objects.create(counterparty=counterparty, ext_id="ag-alpha", name="Main")
    return partner


@pytest.fixture
def erp(alpha):
    return ErpClient(erp_token())


def _payments_state():
    return list(Payment.objects.order_by("ext_id").values())


def test_a_replayed_bulk_upsert_gives_the_same_state_and_answers_unchanged(erp):
    first = erp.post("/payments", {"items": PAYMENTS})
    assert first.status_code == 200
    assert first.json() == {"created": 3, "updated": 0, "unchanged": 0, "deleted": 0}
    state = _payments_state()

    again = erp.post("/payments", {"items": PAYMENTS})

    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3, "deleted": 0}
    assert _payments_state() == state
    assert state[0]["amount"] == Decimal("1000.50")
    assert state[0]["partner_id"] == Partner.objects.get(ext_id="p-alpha").pk


def test_a_changed_item_is_updated_and_explicit_deletions_delete(erp):
    erp.post("/payments", {"items": PAYMENTS})
    changed = [{**PAYMENTS[0], "amount": "999.99"}, PAYMENTS[1]]

    response = erp.post("/payments", {"items": changed, "deleted": ["pay-3", "never-sent"]})

    assert response.json() == {"created": 0, "updated": 1, "unchanged": 2, "deleted": 1}
    assert dict(Payment.objects.values_list("ext_id", "amount")) == {
        "pay-1": Decimal("999.99"),
        "pay-2": Decimal("2000.50"),
    }


def test_one_bad_item_changes_nothing_and_is_named(erp):
    erp.post("/payments", {"items": PAYMENTS[:1]})
    state = _payments_state()
    items = [
        {**PAYMENTS[0], "amount": "5.00"},
        PAYMENTS[1],
        {**PAYMENTS[2], "counterparty_ext_id": "cp-nobody"},
    ]

    response = erp.post("/payments", {"items": items})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"] == [
        {
            "item": 2,
            "field": "counterparty_ext_id",
            "message": "unknown counterparty; send it first",
        }
    ]
    assert _payments_state() == state


def test_a_schema_error_names_the_item_and_the_field(erp):
    items = [PAYMENTS[0], {**PAYMENTS[1], "amount": "-1"}]

    response = erp.post("/payments", {"items": items})

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["item"], error["field"]) == (1, "amount")
    assert Payment.objects.count() == 0


def test_the_same_id_twice_in_one_call_is_refused(erp):
    response = erp.post("/payments", {"items": [PAYMENTS[0], PAYMENTS[0]]})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"item": 1, "field": "ext_id", "message": "the same ext_id as item 0"}
    ]


def test_no_token_answers_401_as_a_problem(alpha):
    for client in (ErpClient(None), ErpClient("kbt_not-a-token")):
        response = client.get("/payments")
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["title"] == "Unauthorized"


def test_a_payments_token_cannot_write_partners(alpha):
    erp = ErpClient(erp_token("bank", ["payments"]))

    response = erp.post("/partners", {"items": [{"ext_id": "p-new", "name": "New"}]})

    assert response.status_code == 403
    assert response.json()["detail"] == "This token may not use the resource “partners”."
    assert not Partner.objects.filter(ext_id="p-new").exists()
    assert erp.post("/payments", {"items": PAYMENTS}).status_code == 200


def test_a_revoked_token_stops_working(alpha):
    key = erp_token()
    ApiToken.objects.update(revoked_at=datetime.datetime.now(datetime.UTC))

    assert ErpClient(key).get("/payments").status_code == 401


def test_only_the_hash_of_a_token_is_stored_and_its_use_is_recorded(alpha):
    key = erp_token()
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix)
    assert token.last_used_at is None

    ErpClient(key).get("/payments")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_every_call_is_logged_with_counts_and_errors(erp):
    erp.post("/payments", {"items": PAYMENTS})
    erp.post("/payments", {"items": [{**PAYMENTS[0], "counterparty_ext_id": "cp-x"}]})

    ok, bad = ApiCall.objects.order_by("pk")
    assert (ok.method, ok.path, ok.status, ok.items, ok.created) == (
        "POST",
        "/api/erp/v1/payments",
        200,
        3,
        3,
    )
    assert ok.token.name == "1C"
    assert bad.status == 422
    assert "item 0 counterparty_ext_id: unknown counterparty" in bad.error


def test_a_body_over_the_limit_answers_413_and_changes_nothing(erp, settings):
    settings.KABINET_ERP_API_MAX_MB = 0.001  # about 1 KB

    response = erp.post("/payments", {"items": PAYMENTS * 5})

    assert response.status_code == 413
    assert response.json()["title"] == "Request too large"
    assert Payment.objects.count() == 0


def test_without_a_token_a_large_body_is_not_even_read(alpha, settings):
    settings.KABINET_ERP_API_MAX_MB = 0.001

    response = ErpClient(None).post("/payments", {"items": PAYMENTS * 5})

    assert response.status_code == 401


def test_more_than_10000_items_are_refused(erp):
    items = [{**PAYMENTS[0], "ext_id": f"p{n}"} for n in range(10_001)]

    response = erp.post("/payments", {"items": items})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items"
    assert Payment.objects.count() == 0


def test_listing_pages_through_what_changed_since(erp):
    erp.post("/payments", {"items": PAYMENTS})

    first = erp.get("/payments", {"limit": 2}).json()
    second = erp.get("/payments", {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [p["ext_id"] for p in first["items"]] == ["pay-1", "pay-2"]
    assert [p["ext_id"] for p in second["items"]] == ["pay-3"]
    assert second["next_cursor"] is None
    assert first["items"][0]["counterparty_ext_id"] == "cp-alpha"
    assert "Оплата по счёту".encode() in erp.get("/payments").content  # not \u escapes
    later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)).isoformat()
    assert erp.get("/payments", {"updated_since": later}).json()["items"] == []
    assert erp.get("/payments", {"cursor": "garbage"}).status_code == 422


def test_the_openapi_document_is_served_and_the_docs_are_for_staff(client, staff_user):
    schema = client.get("/api/erp/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/erp/v1/payments" in schema.json()["paths"]

    assert client.get("/api/erp/v1/docs").status_code == 302
    client.force_login(staff_user)
    docs = client.get("/api/erp/v1/docs")
    assert docs.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()  # ours, no CDN


def test_an_unknown_api_url_answers_a_problem_not_a_page(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/erp/v1/reconciliation-requests/x/take")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "since", ["0658-04-08T19:44:14-20:22", "0001-01-01T00:00:00-05:00", "9999-12-31T23:59:59-05:00"]
)
def test_any_valid_updated_since_is_answered(erp, since):
    # PostgreSQL refuses offsets beyond ±15:59 and years out of range: the API stores UTC.
    response = erp.get("/payments", {"updated_since": since})

    assert response.status_code == 200


def test_a_nul_character_is_refused_not_stored(erp):
    response = erp.post("/payments", {"items": [{**PAYMENTS[0], "purpose": "a\x00b"}]})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "purpose"
