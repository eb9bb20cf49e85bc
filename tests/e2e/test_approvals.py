"""Order approvals (A7) in the browser, in Russian: the administrator sets a rule, a buyer's
order waits for approval, the administrator approves it and it goes to the supplier."""

from playwright.sync_api import expect

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import UserFactory
from kabinet.orders.tests.factories import goods_make, order_make
from kabinet.orders.workflow import Status


def test_a_buyers_order_waits_for_the_administrators_approval_then_goes_out(
    new_page, partner, log_in_as
):
    admin = UserFactory(partner=partner, email="boss@alpha.example", full_name="Анна Начальник")
    buyer = UserFactory(
        partner=partner,
        email="buyer@alpha.example",
        full_name="Борис Закупщик",
        sections=[Section.CATALOG, Section.ORDERS],
    )
    draft = order_make(author=buyer, variants=goods_make(partner, n=2), status=Status.DRAFT)

    boss = new_page()
    log_in_as(boss, admin)
    boss.goto("/approvals/")
    expect(boss.get_by_test_id("approval-queue-empty")).to_have_text(
        "Нет заказов, ожидающих вашего согласования."
    )
    boss.get_by_test_id("approval-rules-link").click()
    expect(boss.locator("h1")).to_have_text("Правила согласования")
    boss.get_by_test_id("rule-total_above").fill("100")
    boss.get_by_test_id("rule-approver").select_option(label="Анна Начальник")
    boss.get_by_test_id("approval-rule-add").click()
    expect(boss.get_by_test_id("approval-rule")).to_have_count(1)
    expect(boss.get_by_test_id("approval-rule")).to_contain_text("Анна Начальник")

    page = new_page()
    log_in_as(page, buyer)
    page.goto(f"/orders/{draft.pk}/")
    page.get_by_test_id("action-send").click()
    status = page.get_by_test_id("order-status")
    expect(status).to_have_text("Ожидает согласования")
    expect(page.locator(".alert")).to_contain_text("Заказ ожидает согласования")

    boss.goto("/approvals/")
    expect(boss.get_by_test_id("approval-order")).to_have_count(1)
    boss.get_by_role("link", name=draft.number).click()
    boss.locator("textarea[name=comment]").fill("Согласовано, бюджет есть")
    boss.get_by_test_id("approve").click()
    expect(boss.locator(".alert-success")).to_contain_text(
        "Заказ согласован и отправлен поставщику"
    )
    expect(boss.get_by_test_id("approval-queue-empty")).to_be_visible()

    page.reload()
    expect(status).to_have_text("Отправлен")
    expect(status).to_have_attribute("data-status", Status.SENT)
    history = page.get_by_test_id("order-history")
    expect(history).to_contain_text("Анна Начальник")
    expect(history).to_contain_text("Согласовано, бюджет есть")
    expect(history.get_by_test_id("event-approved")).to_have_text("согласован")
