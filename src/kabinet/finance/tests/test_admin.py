import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from kabinet.api.models import ApiCall, ApiToken
from kabinet.api.tests.factories import erp_token
from kabinet.finance.models import ReconciliationRequest, ReconciliationStatus
from kabinet.finance.tests.factories import PDF


@pytest.fixture
def admin_client_(client, staff_user):
    staff_user.is_superuser = True
    staff_user.save()
    client.force_login(staff_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def act_request(partner):
    return ReconciliationRequest.objects.create(
        partner=partner,
        counterparty=partner.counterparties.first(),
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 3, 31),
    )


def _change(client, act_request, **data):
    return client.post(
        f"/admin/finance/reconciliationrequest/{act_request.pk}/change/", data, follow=True
    )


def test_a_manager_uploads_an_act_by_hand(admin_client_, act_request):
    page = admin_client_.get(f"/admin/finance/reconciliationrequest/{act_request.pk}/change/")
    assert 'name="upload"' in page.content.decode()
    response = _change(admin_client_, act_request, upload=SimpleUploadedFile("a.pdf", PDF))

    assert response.status_code == 200
    act_request.refresh_from_db()
    assert act_request.status == ReconciliationStatus.READY
    assert act_request.act.read() == PDF
    download = admin_client_.get(f"/admin/finance/reconciliationrequest/{act_request.pk}/act/")
    assert b"".join(download.streaming_content) == PDF


def test_a_manager_cannot_upload_something_else_than_a_pdf(admin_client_, act_request):
    response = _change(
        admin_client_, act_request, upload=SimpleUploadedFile("a.pdf", b"<html>hello</html>")
    )

    assert "The file is not a PDF." in response.content.decode()
    act_request.refresh_from_db()
    assert (act_request.status, act_request.act.name) == (ReconciliationStatus.REQUESTED, "")


def test_a_manager_refuses_with_a_reason(admin_client_, act_request):
    _change(admin_client_, act_request, refuse_with="Counterparty closed")

    act_request.refresh_from_db()
    assert (act_request.status, act_request.refusal_reason) == (
        ReconciliationStatus.REFUSED,
        "Counterparty closed",
    )


def test_tokens_are_revoked_in_the_admin_and_calls_are_listed(admin_client_):
    erp_token("1C")
    token = ApiToken.objects.get()
    ApiCall.objects.create(
        token=token, method="GET", path="/api/erp/v1/x", status=200, duration_ms=1
    )

    admin_client_.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert admin_client_.get("/admin/api/apicall/").status_code == 200
    assert admin_client_.get("/admin/api/apitoken/").status_code == 200
