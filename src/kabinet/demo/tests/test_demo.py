from django.core import mail
from django.core.management import call_command
from django.test import Client

from kabinet.accounts.models import Agreement, Counterparty, Partner, Section, User
from kabinet.accounts.tests.factories import UserFactory
from kabinet.comms.services import notify_order_event
from kabinet.demo.generator import DEMO_PASSWORD, demo_generate, inn_legal
from kabinet.orders.services import order_status_set_by_supplier
from kabinet.orders.tests.factories import goods_make, order_make
from kabinet.orders.workflow import Status


def test_inn_check_digit():
    # 7707083893 is a real, valid legal-entity INN.
    import random

    for _ in range(50):
        inn = inn_legal(random.Random(), "77")
        weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
        assert int(inn[9]) == sum(int(d) * w for d, w in zip(inn, weights, strict=False)) % 11 % 10
    assert len(inn) == 10


def test_demo_has_partners_with_subsidiaries_agreements_and_people(db):
    result = demo_generate(partners=20)
    assert Partner.objects.count() == 20
    assert Counterparty.objects.filter(parent__isnull=False).exists()
    assert Agreement.objects.filter(price_type__isnull=True).count() == 0
    assert User.objects.filter(partner__isnull=False).count() == 80
    assert {login.login for login in result.logins} >= {
        "admin1@partner.demo",
        "buyer1@partner.demo",
    }
    assert all(p.manager_id for p in Partner.objects.all())
    buyer = User.objects.get(email="buyer1@partner.demo")
    assert buyer.sections == [Section.CATALOG, Section.ORDERS]


def test_demo_logins_work(db):
    demo_generate(partners=2)
    client = Client()
    response = client.post(
        "/account/login/", {"username": "+7 912 000-00-01", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client = Client()
    client.post("/account/login/", {"username": "new1@partner.demo", "password": "Temp-2026-start"})
    assert client.get("/").url == "/account/password/"


def test_demo_command_loads_once_and_prints_the_logins(db, capsys, settings):
    settings.KABINET_SITE_URL = "http://127.0.0.1:8000"  # the command may set it: undone after
    call_command("demo", "--no-serve", "--partners", "3")
    out = capsys.readouterr().out
    assert "admin1@partner.demo" in out
    assert "Loaded 3 partners" in out
    call_command("demo", "--no-serve", "--partners", "3")
    assert Partner.objects.count() == 3
    assert "already loaded" in capsys.readouterr().out


def test_demo_generator_scales_with_few_statements(db, django_assert_max_num_queries):
    # Batched inserts: 200 partners with their companies and people, the events and news of
    # the demo and the price version cost about 66 statements (20 partners: about 43).
    with django_assert_max_num_queries(75):
        demo_generate(partners=200, skus=0, months=0)
    assert Partner.objects.count() == 200


def test_demo_addr_sets_the_site_url_letters_link_to(partner, settings, monkeypatch, capsys):
    monkeypatch.delenv("KABINET_SITE_URL", raising=False)
    settings.KABINET_SITE_URL = "http://127.0.0.1:8000"
    settings.KABINET_SMS_BACKEND = "kabinet.comms.sms.MemorySmsSender"

    call_command("demo", "--no-serve", "--addr", "0.0.0.0:8765")

    assert settings.KABINET_SITE_URL == "http://127.0.0.1:8765"
    assert "Kabinet: http://127.0.0.1:8765/" in capsys.readouterr().out
    author = UserFactory(partner=partner, email="author@alpha.example")
    order = order_make(author=author, variants=goods_make(partner, n=1), status=Status.SENT)
    mail.outbox = []
    notify_order_event(event=order_status_set_by_supplier(order=order, target=Status.ACCEPTED))
    assert f"http://127.0.0.1:8765/orders/{order.pk}/" in mail.outbox[0].body


def test_demo_keeps_a_site_url_set_explicitly(partner, settings, monkeypatch):
    monkeypatch.setenv("KABINET_SITE_URL", "https://kabinet.example.ru")
    settings.KABINET_SITE_URL = "https://kabinet.example.ru"

    call_command("demo", "--no-serve", "--addr", "127.0.0.1:8765")

    assert settings.KABINET_SITE_URL == "https://kabinet.example.ru"
