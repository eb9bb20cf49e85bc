import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from kabinet.accounts.models import Agreement


@pytest.mark.parametrize(
    ("name", "number", "shown"),
    [
        ("Договор поставки № 12", "12", "Договор поставки № 12"),
        ("Договор поставки №12 от 01.02.2025", "12", "Договор поставки №12 от 01.02.2025"),
        ("Договор поставки № ДП-12", "дп - 12", "Договор поставки № ДП-12"),
        ("Основной договор", "ДП-7", "Основной договор № ДП-7"),
        ("Договор поставки № 123/24", "ДП-1234", "Договор поставки № 123/24 (ДП-1234)"),
        ("Договор поставки № 123", "12", "Договор поставки № 123 (12)"),
        ("Основной договор", "", "Основной договор"),
        ("  Основной договор ", "  ", "Основной договор"),
        ("", "45", "№ 45"),
    ],
)
def test_the_agreement_shows_its_number_once(name, number, shown):
    agreement = Agreement(name=name, number=number)

    assert agreement.display_name == shown
    assert agreement.display_name.count("№") <= 1


def _text(html: str) -> str:
    return " ".join(strip_tags(html).split())


def test_the_agreement_list_and_the_switcher_show_the_number_once(partner, partner_client):
    agreement = Agreement.objects.filter(counterparty__partner=partner).order_by("pk").first()
    Agreement.objects.filter(pk=agreement.pk).update(name="Договор поставки № 12", number="12")

    body = partner_client.get(reverse("accounts:agreement-list")).content.decode()

    table = _text(body.split('data-testid="agreements"', 1)[1].split("</table>", 1)[0])
    switcher = _text(body.split('data-testid="agreement-menu"', 1)[1].split("</ul>", 1)[0])
    for text in (table, switcher):
        assert text.count("Договор поставки № 12") == 1
        assert text.count("№") == 1
