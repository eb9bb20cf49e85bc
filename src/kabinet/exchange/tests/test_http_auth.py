"""Issue 8, items 1–2: the exchange authenticates 1C by its exact login, in its own plain-text
protocol, and wrong passwords slow guessing down without ever locking the supplier out."""

import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command

from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.tests.exchange_client import URL, OneC

pytestmark = pytest.mark.django_db

WRONG = "Wrong login or password, or no right to exchange."


@pytest.fixture(autouse=True)
def exchange_setup(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.KABINET_EXCHANGE_DIR = tmp_path / "exchange"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def checkauth(client: OneC):
    response = client.client.get(
        f"{URL}?type=catalog&mode=checkauth", HTTP_AUTHORIZATION=client.auth
    )
    return response, response.content.decode()


@pytest.mark.parametrize("login", ["onec", "1c@supplier.local", "79001234567", "Обмен-1С"])
def test_any_login_the_command_accepts_can_exchange(login, capsys):
    call_command("exchange_account", login, "s3cret-1c")
    assert "created" in capsys.readouterr().out

    lines = OneC(login=login, password="s3cret-1c").checkauth()

    assert lines[0] == "success"
    assert lines[1] == "kabinet_1c"


def test_the_login_is_read_whatever_its_case_and_surrounding_spaces():
    exchange_account_ensure(login="OneC", password="s3cret-1c")
    assert OneC(login=" ONEC ", password="s3cret-1c").checkauth()[0] == "success"


def test_twenty_wrong_passwords_are_plain_failures_and_the_right_one_still_passes(settings):
    settings.KABINET_EXCHANGE_AUTH_DELAY = 0.001
    settings.KABINET_EXCHANGE_AUTH_DELAY_MAX = 0.004
    exchange_account_ensure(login="onec", password="s3cret-1c")

    for attempt in range(20):
        response, body = checkauth(OneC(login="onec", password=f"wrong-{attempt}"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert body.split("\n")[0] == "failure"
        assert body.split("\n")[1].startswith(WRONG)

    response, body = checkauth(OneC(login="onec", password="s3cret-1c"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert body.split("\n")[0] == "success"
    # …and the next wrong one starts from zero again: no delay.
    _response, body = checkauth(OneC(login="onec", password="wrong"))
    assert body == f"failure\n{WRONG}"


def test_wrong_attempts_past_the_free_ones_wait_a_doubling_delay_up_to_the_ceiling(settings):
    settings.KABINET_EXCHANGE_AUTH_FREE = 2
    settings.KABINET_EXCHANGE_AUTH_DELAY = 0.05
    settings.KABINET_EXCHANGE_AUTH_DELAY_MAX = 0.2
    exchange_account_ensure(login="onec", password="s3cret-1c")
    answers, took = [], []
    for _attempt in range(6):
        started = time.monotonic()
        answers.append(checkauth(OneC(login="nobody", password="guess"))[1])
        took.append(time.monotonic() - started)

    def slowed(seconds):
        return (
            f"failure\n{WRONG} Too many wrong attempts from this address: each one is answered "
            f"after {seconds} s. The right password is always accepted."
        )

    assert answers == [
        f"failure\n{WRONG}",
        f"failure\n{WRONG}",
        slowed("0.05"),
        slowed("0.1"),
        slowed("0.2"),
        slowed("0.2"),
    ]
    assert took[4] >= 0.2
    assert took[5] >= 0.2
    # The right password is not delayed, and another address was never slowed.
    assert OneC(login="onec", password="s3cret-1c").checkauth()[0] == "success"


def test_calls_after_checkauth_with_wrong_basic_credentials_are_plain_failures():
    exchange_account_ensure(login="onec", password="s3cret-1c")
    client = OneC(login="onec", password="wrong")
    response = client.client.get(f"{URL}?type=catalog&mode=init", HTTP_AUTHORIZATION=client.auth)
    assert response.status_code == 200
    assert response.content.decode() == f"failure\n{WRONG}"


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


def test_an_unknown_login_costs_the_same_password_hashing_as_a_wrong_password(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    exchange_account_ensure(login="onec", password="s3cret-1c")

    CountingHasher.calls = 0
    assert OneC(login="onec", password="wrong").checkauth()[0] == "failure"
    known = CountingHasher.calls
    CountingHasher.calls = 0
    assert OneC(login="nobody", password="wrong").checkauth()[0] == "failure"

    assert known == 1
    assert CountingHasher.calls == known
