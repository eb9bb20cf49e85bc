import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from kabinet.api.auth import token_hash
from kabinet.api.models import ApiCall, ApiToken
from kabinet.api.services import api_calls_purge
from kabinet.api.tests.factories import ErpClient


def _command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with translation.override("en"):
        call_command("erp_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


@pytest.mark.django_db
def test_erp_token_prints_a_token_once_and_stores_its_hash():
    key, note = _command("1C:ERP", "--resources", "payments, schedule")

    token = ApiToken.objects.get()
    assert (token.name, token.resources) == ("1C:ERP", ["payments", "schedule"])
    assert token.key_hash == token_hash(key)
    assert key.startswith(token.prefix)
    assert key not in note
    assert ErpClient(key).get("/schedule").status_code == 200
    assert ErpClient(key).get("/partners").status_code == 403


@pytest.mark.django_db
def test_erp_token_refuses_unknown_resources_and_taken_names():
    with pytest.raises(CommandError, match="Unknown resources: payment"):
        _command("bank", "--resources", "payment")
    _command("bank")
    with pytest.raises(CommandError, match="already exists"):
        _command("bank")
    assert list(ApiToken.objects.values_list("resources", flat=True)) == [["*"]]


@pytest.mark.django_db
def test_the_call_log_keeps_90_days(settings):
    now = timezone.now()
    for days in (91, 89):
        ApiCall.objects.create(
            at=now - datetime.timedelta(days=days),
            method="GET",
            path="/api/erp/v1/payments",
            status=200,
            duration_ms=3,
        )

    assert api_calls_purge(now=now) == 1

    assert ApiCall.objects.get().at == now - datetime.timedelta(days=89)
    call_command("purge_api_calls", stdout=StringIO())
    assert ApiCall.objects.count() == 1
