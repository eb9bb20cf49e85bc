import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kabinet.accounts import services
from kabinet.accounts.models import User
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import PASSWORD, UserFactory

LOGIN_URL = "/account/login/"
WRONG = "Wrong login or password."


def login(client, username, password=PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password}, HTTP_COOKIE="")


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    "typed", ["admin@alpha.example", "ADMIN@Alpha.Example ", "+7 912 345-67-89", "89123456789"]
)
def test_login_by_email_or_phone_in_any_usual_spelling(client, partner_admin, typed):
    partner_admin.phone = "+79123456789"
    partner_admin.save()
    response = client.post(LOGIN_URL, {"username": typed, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("case", ["wrong password", "unknown login", "blocked"])
def test_failed_login_never_tells_whether_the_account_exists(english, partner_admin, case):
    username, password = {
        "wrong password": ("admin@alpha.example", "nope"),
        "unknown login": ("nobody@alpha.example", PASSWORD),
        "blocked": ("admin@alpha.example", PASSWORD),
    }[case]
    if case == "blocked":
        User.objects.filter(pk=partner_admin.pk).update(is_active=False)
    response = english.post(LOGIN_URL, {"username": username, "password": password})
    assert response.status_code == 200
    assert WRONG in response.content.decode()
    assert "_auth_user_id" not in english.session


def test_failed_login_message_is_russian_by_default(client, partner_admin):
    response = client.post(LOGIN_URL, {"username": "admin@alpha.example", "password": "nope"})
    assert "Неверный логин или пароль." in response.content.decode()


@pytest.mark.parametrize("username", ["admin@alpha.example", "nobody@alpha.example"])
def test_five_failures_cool_the_login_off_even_for_the_right_password(
    english, partner_admin, username
):
    for _attempt in range(5):
        english.post(LOGIN_URL, {"username": username, "password": "wrong"})
    response = english.post(LOGIN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed login attempts. Try again in 15 minutes." in body
    assert "_auth_user_id" not in english.session


def test_the_throttle_counts_phone_spellings_as_one_login(english, partner_admin):
    partner_admin.phone = "+79123456789"
    partner_admin.save()
    for spelling in [
        "89123456789",
        "+7 912 345 67 89",
        "8 (912) 345-67-89",
        "+79123456789",
        "9123456789",
    ]:
        english.post(LOGIN_URL, {"username": spelling, "password": "wrong"})
    assert (
        english.post(LOGIN_URL, {"username": "+79123456789", "password": PASSWORD}).status_code
        == 429
    )


def test_temporary_password_forces_a_change_before_anything_else(client, partner_admin):
    issued = services.employee_password_reset(
        scope=scope_for(UserFactory(partner=partner_admin.partner)), user_id=partner_admin.pk
    )
    response = client.post(
        LOGIN_URL, {"username": "admin@alpha.example", "password": issued.password}
    )
    assert response.status_code == 302
    for path in ["/", "/company/", "/employees/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == reverse("accounts:password-change")
    response = client.post(
        reverse("accounts:password-change"),
        {"new_password1": "a-New-passw0rd!", "new_password2": "a-New-passw0rd!"},
    )
    assert response.status_code == 302
    partner_admin.refresh_from_db()
    assert not partner_admin.must_change_password
    assert partner_admin.check_password("a-New-passw0rd!")
    assert client.get("/").status_code == 200  # the session survived its own password change


def test_the_temporary_password_is_rehashed_with_full_cost_at_first_login(
    client, partner_admin, settings
):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "kabinet.accounts.hashers.TemporaryPasswordHasher",
    ]
    User.objects.filter(pk=partner_admin.pk).update(
        password=services.password_temporary_hash("TempPass12345"), must_change_password=True
    )
    client.post(LOGIN_URL, {"username": "admin@alpha.example", "password": "TempPass12345"})
    partner_admin.refresh_from_db()
    assert partner_admin.password.startswith("pbkdf2_sha256$")


def test_password_reset_by_email_link(client, partner_admin):
    partner_admin.must_change_password = True
    partner_admin.save()
    response = client.post(reverse("accounts:password-reset"), {"email": "admin@alpha.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/account/password/reset/\S+/\S+/", mail.outbox[0].body).group(0)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "reset-Passw0rd!", "new_password2": "reset-Passw0rd!"}
    )
    assert response.status_code == 302
    partner_admin.refresh_from_db()
    assert partner_admin.check_password("reset-Passw0rd!")
    assert not partner_admin.must_change_password


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client, db):
    response = client.post(reverse("accounts:password-reset"), {"email": "ghost@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-sent")
    assert mail.outbox == []


def test_blocking_ends_the_employees_sessions_at_once(client, partner_admin, orders_only_employee):
    client.force_login(orders_only_employee)
    assert client.get("/").status_code == 200
    services.employee_block(scope=scope_for(partner_admin), user_id=orders_only_employee.pk)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_logout_everywhere_ends_sessions_on_other_devices(partner_admin):
    from django.test import Client

    laptop, phone = Client(), Client()
    laptop.force_login(partner_admin)
    phone.force_login(partner_admin)
    assert laptop.post(reverse("accounts:logout-everywhere")).status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302


def test_sessions_expire(client, partner_admin, settings):
    client.force_login(partner_admin)
    client.get("/")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 12 * 3600


def test_supplier_staff_cannot_use_partner_pages(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/orders/").status_code == 403
    assert client.get("/catalog/").status_code == 403
    # The home page sends staff to their own pages (issue 8, item 27).
    assert client.get("/")["Location"] == "/admin/"


PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "kabinet.accounts.hashers.TemporaryPasswordHasher",
]


@pytest.fixture
def pbkdf2_rounds(monkeypatch, settings):
    """The PBKDF2 rounds every login attempt spends, with the production hashers."""
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    rounds = []
    real = hashers.pbkdf2

    def counting(password, salt, iterations, *args, **kwargs):
        rounds.append(iterations)
        return real(password, salt, iterations, *args, **kwargs)

    monkeypatch.setattr(hashers, "pbkdf2", counting)
    return rounds


@pytest.mark.parametrize(
    "case", ["temporary password", "own password", "unknown login", "blocked account"]
)
def test_a_wrong_password_costs_the_same_hashing_for_every_kind_of_account(
    client, partner, pbkdf2_rounds, case
):
    """Timing must not tell which accounts are still on their issued temporary password."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    user = UserFactory(partner=partner, email="someone@alpha.example", is_active=True)
    password = {
        "temporary password": services.password_temporary_hash("TempPass12345"),
        "own password": make_password("Own-passw0rd!"),
        "unknown login": make_password("Own-passw0rd!"),
        "blocked account": make_password("Own-passw0rd!"),
    }[case]
    User.objects.filter(pk=user.pk).update(
        password=password,
        must_change_password=case == "temporary password",
        is_active=case != "blocked account",
    )
    username = "nobody@alpha.example" if case == "unknown login" else "someone@alpha.example"
    pbkdf2_rounds.clear()

    response = client.post(LOGIN_URL, {"username": username, "password": "wrong-Guess1"})

    assert response.status_code == 200
    assert sum(pbkdf2_rounds) == PBKDF2PasswordHasher.iterations == 1_000_000


def test_the_right_temporary_password_is_checked_cheaply_then_rehashed(
    client, partner, pbkdf2_rounds
):
    user = UserFactory(partner=partner, email="someone@alpha.example")
    User.objects.filter(pk=user.pk).update(
        password=services.password_temporary_hash("TempPass12345"), must_change_password=True
    )
    pbkdf2_rounds.clear()
    response = client.post(
        LOGIN_URL, {"username": "someone@alpha.example", "password": "TempPass12345"}
    )
    assert response.status_code == 302
    # The cheap check, then the re-hash with the full cost (no padding on success).
    assert pbkdf2_rounds == [5_000, 1_000_000]


def login_from(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def test_failures_from_one_address_do_not_lock_the_account_for_another_address(
    english, partner_admin
):
    for _attempt in range(5):
        login_from(english, "admin@alpha.example", "wrong", "203.0.113.5")
    assert login_from(english, "admin@alpha.example", PASSWORD, "203.0.113.5").status_code == 429
    response = login_from(english, "admin@alpha.example", PASSWORD, "198.51.100.7")
    assert response.status_code == 302
    assert english.session["_auth_user_id"] == str(partner_admin.pk)


def test_many_failures_on_many_logins_lock_the_address_and_only_it(
    english, partner_admin, settings
):
    settings.KABINET_LOGIN_ADDRESS_LIMIT = 12
    for number in range(12):  # 3 failures each: no (login, address) pair reaches its limit
        login_from(english, f"guess{number // 3}@alpha.example", "wrong", "203.0.113.5")
    response = login_from(english, "admin@alpha.example", PASSWORD, "203.0.113.5")
    assert response.status_code == 429
    assert "_auth_user_id" not in english.session
    assert login_from(english, "admin@alpha.example", PASSWORD, "198.51.100.7").status_code == 302


def test_eleven_failures_do_not_reach_an_address_limit_of_twelve(english, partner_admin, settings):
    settings.KABINET_LOGIN_ADDRESS_LIMIT = 12
    for number in range(11):
        login_from(english, f"guess{number // 3}@alpha.example", "wrong", "203.0.113.5")
    assert login_from(english, "admin@alpha.example", PASSWORD, "203.0.113.5").status_code == 302


PROXY = "10.0.0.2"


def test_behind_a_proxy_the_forwarded_client_address_is_what_counts(
    english, partner_admin, settings
):
    settings.KABINET_TRUSTED_PROXIES = 1
    for _attempt in range(5):
        # The attacker claims an address of its own; the proxy appends the real one.
        login_from(english, "admin@alpha.example", "wrong", PROXY, "198.51.100.7, 203.0.113.5")
    response = login_from(english, "admin@alpha.example", PASSWORD, PROXY, "203.0.113.5")
    assert response.status_code == 429
    # The owner, through the same proxy from elsewhere (even the address the attacker claimed).
    response = login_from(english, "admin@alpha.example", PASSWORD, PROXY, "198.51.100.7")
    assert response.status_code == 302
    assert english.session["_auth_user_id"] == str(partner_admin.pk)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "198.51.100.7", "203.0.113.5"),  # no proxy: the header is a claim
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "1.2.3.4, 198.51.100.7", "198.51.100.7"),
        (2, PROXY, "1.2.3.4, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, PROXY, "198.51.100.7", PROXY),  # not through both proxies: trust nothing forwarded
        (1, PROXY, "", PROXY),
        (1, PROXY, "not-an-address", PROXY),
        (1, PROXY, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_address(rf, settings, proxies, remote, forwarded, expected):
    from kabinet.accounts.throttle import client_address

    settings.KABINET_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


RESET_URL = "/account/password/reset/"


def test_twenty_reset_requests_for_one_account_send_at_most_three_letters(client, partner_admin):
    for number in range(20):
        # From changing addresses: the per-account limit holds whatever the address.
        response = client.post(
            RESET_URL, {"email": "Admin@Alpha.example"}, REMOTE_ADDR=f"203.0.113.{number}"
        )
        assert response.status_code == 302
        assert response.url == reverse("accounts:password-reset-sent")
    assert len(mail.outbox) == 3
    assert {tuple(letter.to) for letter in mail.outbox} == {("admin@alpha.example",)}


def test_reset_requests_from_one_address_are_limited_across_accounts(client, partner, settings):
    settings.KABINET_RESET_ADDRESS_LIMIT = 4
    for number in range(6):
        UserFactory(partner=partner, email=f"user{number}@alpha.example")
    for number in range(6):
        response = client.post(
            RESET_URL, {"email": f"user{number}@alpha.example"}, REMOTE_ADDR="203.0.113.5"
        )
        assert response.status_code == 302
        assert response.url == reverse("accounts:password-reset-sent")
    assert [letter.to for letter in mail.outbox] == [
        [f"user{number}@alpha.example"] for number in range(4)
    ]
    client.post(RESET_URL, {"email": "user5@alpha.example"}, REMOTE_ADDR="198.51.100.7")
    assert mail.outbox[-1].to == ["user5@alpha.example"]


def test_the_reset_limit_counts_the_last_hour_only(client, partner_admin):
    from kabinet.accounts.models import PasswordResetRequest

    for _request in range(3):
        client.post(RESET_URL, {"email": "admin@alpha.example"})
    assert len(mail.outbox) == 3
    PasswordResetRequest.objects.update(created_at=timezone.now() - timedelta(hours=1, minutes=1))
    client.post(RESET_URL, {"email": "admin@alpha.example"})
    assert len(mail.outbox) == 4
