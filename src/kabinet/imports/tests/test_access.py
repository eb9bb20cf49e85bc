"""A job is its uploader's: a colleague, another partner or an employee without the catalog
section reaches none of its pages (the cross-partner walk in tests/test_isolation.py covers
every route too)."""

import pytest
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart.models import CartLine
from kabinet.imports.models import ImportJob
from kabinet.imports.services import import_job_paste
from kabinet.imports.tests.factories import import_jobs_make, product_make


@pytest.fixture
def job(partner, scope, agreement):
    product_make(partner, article="P-1")
    return import_job_paste(scope=scope, agreement=agreement, text="P-1 1\nNONE 2")


def job_routes(job):
    row = job.rows.first()
    return [
        ("get", f"/quick-order/{job.pk}/"),
        ("get", f"/quick-order/{job.pk}/mapping/"),
        ("get", f"/quick-order/{job.pk}/report.xlsx"),
        ("post", f"/quick-order/{job.pk}/rows/{row.pk}/"),
        ("post", f"/quick-order/{job.pk}/use-proposed/"),
        ("post", f"/quick-order/{job.pk}/apply/"),
    ]


def test_a_colleague_gets_404_on_every_page_of_a_job(job, partner):
    colleague = client_for(UserFactory(partner=partner, email="colleague@alpha.example"))

    for method, url in job_routes(job):
        response = getattr(colleague, method)(url, {"mode": "merge", "quantity": "1"})
        assert (url, response.status_code) == (url, 404)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.MATCHED
    assert CartLine.objects.count() == 0


def test_another_partners_user_gets_404_and_sees_no_codes(other_partner, partner_admin):
    foreign = import_jobs_make(other_partner)
    client = client_for(partner_admin)

    for method, url in job_routes(foreign):
        assert getattr(client, method)(url).status_code == 404
    code = other_partner.product_codes.get()
    assert client.post(f"/quick-order/codes/{code.pk}/delete/").status_code == 404
    assert "OMEGA-OWN-CODE" not in client.get("/quick-order/codes/").content.decode()
    assert "omega-secret-order" not in client.get("/quick-order/").content.decode()


def test_an_employee_without_the_catalog_section_gets_403(job, partner):
    clerk = client_for(
        UserFactory(partner=partner, email="orders@alpha.example", sections=[Section.ORDERS])
    )
    for method, url in [*job_routes(job), ("get", "/quick-order/"), ("get", "/quick-order/codes/")]:
        assert getattr(clerk, method)(url).status_code == 403
