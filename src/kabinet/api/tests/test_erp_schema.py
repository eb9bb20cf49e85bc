"""The ERP API against its own OpenAPI document (schemathesis, in-process over WSGI).

Generated requests — valid and invalid — must never get a server error, and every answer must
match the document (status code, content type, body schema). Bounded: a few examples per
operation, so the whole run takes well under a minute.
"""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kabinet.accounts.tests.factories import (
    AgreementFactory,
    CounterpartyFactory,
    PartnerFactory,
)
from kabinet.api.tests.factories import erp_token
from kabinet.finance.models import ReconciliationRequest

# No server error and no answer outside the document. Not checked: whether invalid input is
# refused (pydantic's lax mode accepts "5" for 5, which is harmless) and whether valid-looking
# input is accepted (an unknown counterparty is refused by design).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/erp/v1/openapi.json", get_wsgi_application())


def test_the_openapi_document_is_valid():
    schema.validate()
    assert schema.raw_schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }


@pytest.fixture
def _connection_kept():
    """The WSGI handler closes the database connection after each request, as a server must;
    inside a test transaction it has to stay open (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def erp_key(db, settings, tmp_path, _connection_kept):
    settings.KABINET_PRIVATE_DIR = tmp_path / "private"
    partner = PartnerFactory(ext_id="p1")
    counterparty = CounterpartyFactory(partner=partner, ext_id="c1")
    AgreementFactory(counterparty=counterparty, ext_id="a1")
    ReconciliationRequest.objects.create(
        partner=partner,
        counterparty=counterparty,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 3, 31),
    )
    return erp_token()


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_erp_api_keeps_to_its_schema(case, erp_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {erp_key}"}, checks=CHECKS)
