import csv
import io
import json
import os
import stat
import time
from decimal import Decimal

import pytest
import xlsxwriter
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kabinet.accounts.models import (
    ALL_SECTIONS,
    Agreement,
    Counterparty,
    DeliveryAddress,
    Partner,
    User,
)
from kabinet.accounts.partner_loading import Row, partner_file_read, partners_load
from kabinet.accounts.tests.factories import (
    CounterpartyFactory,
    PartnerFactory,
    PriceTypeFactory,
    UserFactory,
)

COLUMNS = [
    "partner_ext_id",
    "partner_name",
    "manager_email",
    "counterparty_ext_id",
    "counterparty_name",
    "inn",
    "kpp",
    "parent_counterparty_ext_id",
    "legal_address",
    "agreement_ext_id",
    "agreement_name",
    "agreement_number",
    "price_type",
    "currency",
    "payment_deferral_days",
    "credit_limit",
    "address_ext_id",
    "delivery_address",
    "admin_email",
    "admin_phone",
    "admin_name",
]
RUSSIAN_HEADER = [
    "ИД партнера",
    "Партнер",
    "E-mail менеджера",
    "ИД контрагента",
    "Контрагент",
    "ИНН",
    "КПП",
    "ИД головного контрагента",
    "Юридический адрес",
    "ИД соглашения",
    "Соглашение",
    "Номер соглашения",
    "Вид цен",
    "Валюта",
    "Отсрочка платежа",
    "Кредитный лимит",
    "ИД адреса",
    "Адрес доставки",
    "E-mail администратора",
    "Телефон администратора",
    "ФИО администратора",
]


def inn_make(number: int) -> str:
    """A 10-digit INN with a correct check digit."""
    digits = [int(c) for c in f"{number:09d}"]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    return f"{number:09d}{sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 % 10}"


INN_HEAD, INN_NORTH, INN_BETA = inn_make(770708389), inn_make(770100001), inn_make(500100002)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def retail(db):
    return PriceTypeFactory(ext_id="PT-RETAIL", name="Retail")


@pytest.fixture
def wholesale(db):
    return PriceTypeFactory(ext_id="PT-WHOLESALE", name="Wholesale")


def company_rows() -> list[dict[str, str]]:
    """Two partners: Alpha with a head company and a subsidiary, Beta with one company."""
    alpha = {"partner_ext_id": "P-ALPHA", "partner_name": "Alpha Pharmacy"}
    head = {
        **alpha,
        "manager_email": "manager@supplier.example",
        "counterparty_ext_id": "CP-ALPHA",
        "counterparty_name": "Alpha LLC",
        "inn": INN_HEAD,
        "kpp": "770101001",
        "legal_address": "Moscow, Tverskaya 1",
    }
    north = {
        **alpha,
        "counterparty_ext_id": "CP-NORTH",
        "counterparty_name": "Alpha North LLC",
        "inn": INN_NORTH,
        "parent_counterparty_ext_id": "CP-ALPHA",
    }
    return [
        {
            **head,
            "agreement_ext_id": "AG-1",
            "agreement_name": "Main agreement",
            "agreement_number": "15/2024",
            "price_type": "PT-RETAIL",
            "payment_deferral_days": "30",
            "credit_limit": "1 500 000,50",
            "address_ext_id": "AD-1",
            "delivery_address": "Moscow, Lenina 5",
            "admin_email": "Anna@Alpha.example",
            "admin_phone": "+7 912 345-67-89",
            "admin_name": "Anna Admin",
        },
        {
            **head,
            "agreement_ext_id": "AG-2",
            "agreement_name": "Wholesale agreement",
            "price_type": "Wholesale",
            "currency": "usd",
            "payment_deferral_days": "45",
            "credit_limit": "20000",
        },
        {
            **north,
            "agreement_ext_id": "AG-3",
            "agreement_name": "North agreement",
            "price_type": "PT-RETAIL",
            "address_ext_id": "AD-2",
            "delivery_address": "Murmansk, Portovaya 3",
        },
        {
            "partner_ext_id": "P-BETA",
            "partner_name": "Beta Clinic",
            "counterparty_ext_id": "CP-BETA",
            "counterparty_name": "Beta JSC",
            "inn": INN_BETA,
            "agreement_ext_id": "AG-4",
            "agreement_name": "Beta agreement",
            "admin_phone": "8 (999) 000-11-22",
            "admin_name": "Boris Beta",
        },
    ]


def csv_write(path, rows, *, header=COLUMNS, delimiter=",", encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column, "") for column in COLUMNS])
    return path


def load(path, *args, passwords=None):
    """Runs the command; returns its standard output lines."""
    out = io.StringIO()
    extra = ["--passwords-out", str(passwords)] if passwords else []
    call_command("load_partners", str(path), *extra, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


def load_failing(path, *args, passwords=None):
    """Runs the command expecting a refusal; returns its error lines and the final message."""
    err = io.StringIO()
    extra = ["--passwords-out", str(passwords)] if passwords else ["--dry-run"]
    with pytest.raises(CommandError) as refused:
        call_command("load_partners", str(path), *extra, *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines(), str(refused.value)


def dump():
    """Every row the loader may touch, to compare before and after."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Partner, Counterparty, Agreement, DeliveryAddress, User)
    }


def assert_company_loaded(retail, wholesale, staff_user):
    alpha = Partner.objects.get(ext_id="P-ALPHA")
    assert (alpha.name, alpha.manager) == ("Alpha Pharmacy", staff_user)
    head = Counterparty.objects.get(ext_id="CP-ALPHA")
    assert (head.partner, head.parent, head.name) == (alpha, None, "Alpha LLC")
    assert (head.inn, head.kpp, head.legal_address) == (
        INN_HEAD,
        "770101001",
        "Moscow, Tverskaya 1",
    )
    north = Counterparty.objects.get(ext_id="CP-NORTH")
    assert (north.partner, north.parent, north.kpp, north.legal_address) == (alpha, head, "", "")
    agreements = {
        a.ext_id: (
            a.counterparty.ext_id,
            a.name,
            a.number,
            a.price_type,
            a.currency,
            a.payment_deferral_days,
            a.credit_limit,
        )
        for a in Agreement.objects.all()
    }
    assert agreements == {
        "AG-1": ("CP-ALPHA", "Main agreement", "15/2024", retail, "RUB", 30, Decimal("1500000.50")),
        "AG-2": ("CP-ALPHA", "Wholesale agreement", "", wholesale, "USD", 45, Decimal("20000.00")),
        "AG-3": ("CP-NORTH", "North agreement", "", retail, "RUB", 0, None),
        "AG-4": ("CP-BETA", "Beta agreement", "", None, "RUB", 0, None),
    }
    addresses = {
        a.ext_id: (a.counterparty.ext_id, a.address) for a in DeliveryAddress.objects.all()
    }
    assert addresses == {
        "AD-1": ("CP-ALPHA", "Moscow, Lenina 5"),
        "AD-2": ("CP-NORTH", "Murmansk, Portovaya 3"),
    }
    admins = {
        (u.partner.ext_id, u.email, u.phone, u.full_name, tuple(u.sections), u.must_change_password)
        for u in User.objects.filter(partner__isnull=False)
    }
    assert admins == {
        ("P-ALPHA", "anna@alpha.example", "+79123456789", "Anna Admin", tuple(ALL_SECTIONS), True),
        ("P-BETA", None, "+79990001122", "Boris Beta", tuple(ALL_SECTIONS), True),
    }
    for user in User.objects.filter(partner__isnull=False):
        assert user.password.startswith("kabinet_temp_pbkdf2_sha256$")


def test_windows_1251_csv_with_semicolons_and_russian_headings(
    tmp_path, retail, wholesale, staff_user
):
    path = csv_write(
        tmp_path / "partners.csv",
        company_rows(),
        header=RUSSIAN_HEADER,
        delimiter=";",
        encoding="cp1251",
    )
    output = load(path, passwords=tmp_path / "passwords.csv")
    assert_company_loaded(retail, wholesale, staff_user)
    assert output == [
        "Partners: 2 created, 0 updated, 0 unchanged",
        "Counterparties: 3 created, 0 updated, 0 unchanged",
        "Agreements: 4 created, 0 updated, 0 unchanged",
        "Delivery addresses: 2 created, 0 updated, 0 unchanged",
        "Administrators: 2 created, 0 updated, 0 unchanged",
        f"Temporary passwords of 2 new administrators: {tmp_path / 'passwords.csv'}",
    ]


def test_russian_values_survive_windows_1251(tmp_path, db):
    rows = [{"partner_ext_id": "П-1", "partner_name": "Аптека «Ромашка»", "admin_name": "Ёлкин"}]
    path = csv_write(
        tmp_path / "p.csv", rows, header=RUSSIAN_HEADER, delimiter=";", encoding="cp1251"
    )
    assert partner_file_read(path).rows[0].cells["partner_name"] == "Аптека «Ромашка»"


@pytest.mark.parametrize(("delimiter", "encoding"), [(",", "utf-8-sig"), ("\t", "utf-8")])
def test_utf8_csv_with_a_bom_or_tabs(tmp_path, delimiter, encoding, retail, wholesale, staff_user):
    path = csv_write(
        tmp_path / "partners.csv", company_rows(), delimiter=delimiter, encoding=encoding
    )
    load(path, passwords=tmp_path / "passwords.csv")
    assert_company_loaded(retail, wholesale, staff_user)


def test_xlsx_file_with_numbers_stored_as_numbers(tmp_path, retail, wholesale, staff_user):
    path = tmp_path / "partners.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, COLUMNS)
    numeric = {"inn", "payment_deferral_days"}
    for index, row in enumerate(company_rows(), 1):
        values = [row.get(c, "") for c in COLUMNS]
        values = [int(v) if c in numeric and v else v for c, v in zip(COLUMNS, values, strict=True)]
        sheet.write_row(index, 0, values)
    sheet.write_number(1, COLUMNS.index("credit_limit"), 1500000.5)
    sheet.write_number(2, COLUMNS.index("credit_limit"), 20000)
    workbook.close()
    load(path, passwords=tmp_path / "passwords.csv")
    assert_company_loaded(retail, wholesale, staff_user)


def test_json_file(tmp_path, retail, wholesale, staff_user):
    rows = [{k: v for k, v in row.items() if v} for row in company_rows()]
    rows[0]["payment_deferral_days"] = 30
    path = tmp_path / "partners.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    load(path, passwords=tmp_path / "passwords.csv")
    assert_company_loaded(retail, wholesale, staff_user)


def test_running_the_same_file_again_changes_nothing(tmp_path, retail, wholesale, staff_user):
    path = csv_write(tmp_path / "partners.csv", company_rows())
    load(path, passwords=tmp_path / "first.csv")
    before = dump()
    output = load(path, passwords=tmp_path / "second.csv")
    assert dump() == before
    assert output == [
        "Partners: 0 created, 0 updated, 2 unchanged",
        "Counterparties: 0 created, 0 updated, 3 unchanged",
        "Agreements: 0 created, 0 updated, 4 unchanged",
        "Delivery addresses: 0 created, 0 updated, 2 unchanged",
        "Administrators: 0 created, 0 updated, 2 unchanged",
    ]
    assert not (tmp_path / "second.csv").exists()


def test_a_changed_value_updates_that_field_of_that_row_only(
    tmp_path, retail, wholesale, staff_user
):
    load(csv_write(tmp_path / "a.csv", company_rows()), passwords=tmp_path / "a-passwords.csv")
    before = dump()
    rows = company_rows()
    rows[1]["credit_limit"] = "25 000"
    rows[3]["partner_name"] = "Beta Clinic Group"
    output = load(csv_write(tmp_path / "b.csv", rows), passwords=tmp_path / "b-passwords.csv")
    assert output[:3] == [
        "Partners: 0 created, 1 updated, 1 unchanged",
        "Counterparties: 0 created, 0 updated, 3 unchanged",
        "Agreements: 0 created, 1 updated, 3 unchanged",
    ]
    after = dump()
    changed = {
        (table, index, name)
        for table, table_rows in before.items()
        for index, row in enumerate(table_rows)
        for name, value in row.items()
        if after[table][index][name] != value
    }
    beta = next(i for i, p in enumerate(before["Partner"]) if p["ext_id"] == "P-BETA")
    ag2 = next(i for i, a in enumerate(before["Agreement"]) if a["ext_id"] == "AG-2")
    assert changed == {("Partner", beta, "name"), ("Agreement", ag2, "credit_limit")}
    assert Agreement.objects.get(ext_id="AG-2").credit_limit == Decimal("25000.00")


def test_an_existing_user_listed_as_administrator_keeps_the_password(
    tmp_path, retail, wholesale, staff_user
):
    load(csv_write(tmp_path / "a.csv", company_rows()), passwords=tmp_path / "a-passwords.csv")
    anna = User.objects.get(email="anna@alpha.example")
    anna.set_password("her own password")
    anna.must_change_password = False
    anna.save()
    rows = company_rows()
    rows[0]["admin_name"] = "Anna Adminova"
    output = load(csv_write(tmp_path / "b.csv", rows), passwords=tmp_path / "b-passwords.csv")
    assert output[4] == "Administrators: 0 created, 1 updated, 1 unchanged"
    anna.refresh_from_db()
    assert anna.full_name == "Anna Adminova"
    assert anna.check_password("her own password")
    assert not anna.must_change_password


def test_one_bad_row_changes_nothing_and_names_the_row_and_the_reason(
    tmp_path, retail, wholesale, staff_user
):
    load(csv_write(tmp_path / "a.csv", company_rows()), passwords=tmp_path / "a-passwords.csv")
    before = dump()
    rows = company_rows()
    rows[0]["credit_limit"] = "2 000 000"
    rows[2]["inn"] = INN_NORTH[:-1] + str((int(INN_NORTH[-1]) + 1) % 10)
    rows.append(
        {"partner_ext_id": "P-NEW", "partner_name": "New", "admin_email": "new@new.example"}
    )
    errors, message = load_failing(
        csv_write(tmp_path / "b.csv", rows), passwords=tmp_path / "b.csv.pw"
    )
    assert errors == ["row 4, inn: the INN's check digit is wrong: is there a typo?"]
    assert message == "1 error in the file; nothing was changed."
    assert dump() == before
    assert not (tmp_path / "b.csv.pw").exists()


def test_every_error_of_the_file_is_reported_with_row_column_and_reason(
    tmp_path, retail, staff_user
):
    Partner.objects.create(ext_id="P-OTHER", name="Other")
    UserFactory(email="taken@other.example", partner=Partner.objects.get(ext_id="P-OTHER"))
    PriceTypeFactory(ext_id="PT-A", name="Twin")
    PriceTypeFactory(ext_id="PT-B", name="Twin")
    ok = {"partner_ext_id": "P-1", "partner_name": "One", "counterparty_ext_id": "C-1"}
    rows = [
        {**ok, "counterparty_name": "One LLC", "inn": "123", "kpp": "77010100"},
        {**ok, "counterparty_name": "One Ltd", "agreement_ext_id": "A-1", "agreement_name": "A"},
        {**ok, "agreement_ext_id": "A-2", "agreement_name": "B", "price_type": "Nope"},
        {**ok, "agreement_ext_id": "A-3", "agreement_name": "C", "price_type": "Twin"},
        {**ok, "agreement_ext_id": "A-4", "agreement_name": "D", "credit_limit": "12,5.0"},
        {**ok, "agreement_ext_id": "A-5", "agreement_name": "E", "payment_deferral_days": "-3"},
        {
            **ok,
            "parent_counterparty_ext_id": "C-NOWHERE",
            "manager_email": "ghost@supplier.example",
        },
        {"partner_ext_id": "P-2", "partner_name": "Two", "admin_email": "taken@other.example"},
        {"partner_ext_id": "P-2", "partner_name": "Two", "admin_phone": "12"},
        {"partner_ext_id": "", "partner_name": "Nobody"},
        {"partner_ext_id": "P-3", "partner_name": "Three", "agreement_name": "Orphan"},
        {"partner_ext_id": "P-4", "counterparty_ext_id": "C-4"},
    ]
    errors, message = load_failing(csv_write(tmp_path / "bad.csv", rows))
    assert errors == [
        "row 2, inn: an INN is 10 digits (organisations) or 12 digits (individuals)",
        "row 2, kpp: a KPP is 9 characters: 4 digits, 2 digits or letters, 3 digits",
        "row 3, counterparty_name: differs from row 2 (“One LLC”) for the same "
        "counterparty_ext_id “C-1”",
        "row 4, price_type: no price type has this 1C id or name",
        "row 5, price_type: several price types have this name: give the 1C id instead",
        "row 6, credit_limit: not a number: use either a decimal comma or a decimal point",
        "row 7, payment_deferral_days: not a whole number of days",
        "row 8, manager_email: no supplier staff user has this e-mail",
        "row 8, parent_counterparty_ext_id: no such counterparty in the file or in the portal",
        "row 9, admin_email: already used by a user of another partner or of the supplier",
        "row 10, admin_phone: not a phone number",
        "row 11, partner_ext_id: a value is required",
        "row 12, agreement_name: given, but agreement_ext_id is empty on this row",
        "row 13, partner_name: a value is required",
        "row 13, counterparty_name: a value is required",
    ]
    assert message == "15 errors in the file; nothing was changed."
    assert not Partner.objects.filter(ext_id__in=["P-1", "P-2", "P-3", "P-4"]).exists()


def test_counterparty_of_another_partner_and_parent_loops_are_refused(tmp_path, db):
    other = PartnerFactory(ext_id="P-OTHER", name="Other Partner")
    CounterpartyFactory(partner=other, ext_id="C-THEIRS")
    base = {"partner_ext_id": "P-1", "partner_name": "One"}
    rows = [
        {**base, "counterparty_ext_id": "C-THEIRS", "counterparty_name": "Stolen"},
        {
            **base,
            "counterparty_ext_id": "C-A",
            "counterparty_name": "A",
            "parent_counterparty_ext_id": "C-B",
        },
        {
            **base,
            "counterparty_ext_id": "C-B",
            "counterparty_name": "B",
            "parent_counterparty_ext_id": "C-A",
        },
        {
            **base,
            "counterparty_ext_id": "C-C",
            "counterparty_name": "C",
            "parent_counterparty_ext_id": "C-C",
        },
    ]
    errors, _message = load_failing(csv_write(tmp_path / "bad.csv", rows))
    assert errors == [
        "row 2, counterparty_ext_id: in the portal this counterparty belongs to another partner "
        "(Other Partner)",
        "row 3, parent_counterparty_ext_id: head companies form a loop: C-A → C-B → C-A",
        "row 4, parent_counterparty_ext_id: head companies form a loop: C-B → C-A → C-B",
        "row 5, parent_counterparty_ext_id: a counterparty cannot be its own head company",
    ]


def test_a_subsidiary_is_linked_to_a_head_company_already_in_the_portal(tmp_path, db):
    partner = PartnerFactory(ext_id="P-1", name="One")
    head = CounterpartyFactory(partner=partner, ext_id="C-HEAD")
    rows = [
        {
            "partner_ext_id": "P-1",
            "partner_name": "One",
            "counterparty_ext_id": "C-SUB",
            "counterparty_name": "Sub",
            "parent_counterparty_ext_id": "C-HEAD",
        }
    ]
    load(csv_write(tmp_path / "p.csv", rows), passwords=tmp_path / "pw.csv")
    sub = Counterparty.objects.get(ext_id="C-SUB")
    assert (sub.partner, sub.parent) == (partner, head)
    assert list(head.subsidiaries.all()) == [sub]


def test_dry_run_counts_the_changes_and_writes_nothing(tmp_path, retail, wholesale, staff_user):
    before = dump()
    output = load(csv_write(tmp_path / "p.csv", company_rows()), "--dry-run")
    assert output == [
        "Dry run: the file is correct; nothing was written.",
        "Partners: 2 created, 0 updated, 0 unchanged",
        "Counterparties: 3 created, 0 updated, 0 unchanged",
        "Agreements: 4 created, 0 updated, 0 unchanged",
        "Delivery addresses: 2 created, 0 updated, 0 unchanged",
        "Administrators: 2 created, 0 updated, 0 unchanged",
    ]
    assert dump() == before


def test_passwords_file_lets_the_new_administrator_log_in_once_to_change_it(
    tmp_path, client, retail, wholesale, staff_user
):
    passwords = tmp_path / "out" / "passwords.csv"
    load(csv_write(tmp_path / "p.csv", company_rows()), passwords=passwords)
    assert stat.S_IMODE(os.stat(passwords).st_mode) == 0o600
    with open(passwords, encoding="utf-8-sig", newline="") as handle:
        issued = list(csv.DictReader(handle, delimiter=";"))
    assert [{k: v for k, v in row.items() if k != "password"} for row in issued] == [
        {
            "partner_ext_id": "P-ALPHA",
            "partner_name": "Alpha Pharmacy",
            "full_name": "Anna Admin",
            "email": "anna@alpha.example",
            "phone": "+79123456789",
        },
        {
            "partner_ext_id": "P-BETA",
            "partner_name": "Beta Clinic",
            "full_name": "Boris Beta",
            "email": "",
            "phone": "+79990001122",
        },
    ]
    assert len({row["password"] for row in issued}) == 2
    response = client.post(
        "/account/login/", {"username": "anna@alpha.example", "password": issued[0]["password"]}
    )
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-change")


def test_invitations_are_emailed_and_phone_only_administrators_go_to_the_file(
    tmp_path, retail, wholesale, staff_user, django_capture_on_commit_callbacks
):
    passwords = tmp_path / "passwords.csv"
    path = csv_write(tmp_path / "p.csv", company_rows())
    with django_capture_on_commit_callbacks(execute=True):
        output = load(path, "--send-invitations", passwords=passwords)
    assert [message.to for message in mail.outbox] == [["anna@alpha.example"]]
    with open(passwords, encoding="utf-8-sig", newline="") as handle:
        issued = list(csv.DictReader(handle, delimiter=";"))
    assert [row["phone"] for row in issued] == ["+79990001122"]
    assert output[-2:] == [
        "Invitations e-mailed: 1",
        f"Temporary password of 1 new administrator: {passwords}",
    ]


def test_unknown_columns_are_errors_and_headings_are_shown_as_written(tmp_path, db):
    path = tmp_path / "p.csv"
    path.write_text("ИД партнера;Партнер;ИНН;Colour\nP-1;One;;red\n", encoding="utf-8")
    errors, _message = load_failing(path)
    assert errors == [
        "ИНН: this column needs the column counterparty_ext_id",
        "row 1, Colour: unknown column",
    ]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "p.json",
            b'{"partner_ext_id": "P-1"}',
            "The JSON file must hold a list of objects, one per row.",
        ),
        ("p.json", b"[{", "This is not valid JSON: "),
        ("p.csv", b"\n;;\n", "The file is empty."),
        ("p.xlsx", b"not a spreadsheet", "Cannot read the spreadsheet: "),
        ("p.pdf", b"%PDF", "Unknown file type “.pdf”: use CSV, XLSX or JSON."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(tmp_path, db, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        call_command("load_partners", str(path), "--dry-run", stdout=io.StringIO())
    assert str(refused.value).startswith(reason)


def test_json_rows_are_counted_from_one_and_unknown_keys_reported(tmp_path, db):
    rows = [
        {"partner_ext_id": "P-1", "partner_name": "One", "colour": "red"},
        {"partner_ext_id": "P-1", "partner_name": "Uno", "colour": "blue"},
    ]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    errors, _message = load_failing(path)
    assert errors == [
        "row 1, colour: unknown column",
        "row 2, partner_name: differs from row 1 (“One”) for the same partner_ext_id “P-1”",
    ]


@pytest.mark.parametrize(
    ("inn", "valid"),
    [
        (inn_make(770708389), True),
        ("7707083894", False),
        ("500100732259", True),
        ("500100732258", False),
        ("77070838", False),
        ("77070838AB", False),
    ],
)
def test_inn_check_digits(db, inn, valid):
    rows = [
        Row(
            2,
            {
                "partner_ext_id": "P-1",
                "partner_name": "One",
                "counterparty_ext_id": "C-1",
                "counterparty_name": "One LLC",
                "inn": inn,
            },
        )
    ]
    report = partners_load(rows=rows, dry_run=True)
    assert [error.column for error in report.errors] == ([] if valid else ["inn"])


def test_a_thousand_partners_load_in_under_30_seconds_and_reload_changes_nothing(tmp_path, db):
    for code in ("A", "B", "C"):
        PriceTypeFactory(ext_id=f"PT-{code}", name=f"Price {code}")
    path = tmp_path / "erp.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(COLUMNS)
        for n in range(1000):
            partner = {"partner_ext_id": f"P{n}", "partner_name": f"Partner {n}"}
            head = {
                **partner,
                "counterparty_ext_id": f"C{n}",
                "counterparty_name": f"Head {n}",
                "inn": inn_make(100000000 + n),
                "kpp": "770101001",
            }
            sub = {
                **partner,
                "counterparty_ext_id": f"C{n}s",
                "counterparty_name": f"Sub {n}",
                "inn": inn_make(200000000 + n),
                "parent_counterparty_ext_id": f"C{n}",
            }
            terms = {"price_type": f"PT-{'ABC'[n % 3]}", "payment_deferral_days": "30"}
            rows = [
                {
                    **head,
                    **terms,
                    "agreement_ext_id": f"A{n}a",
                    "agreement_name": "Main",
                    "credit_limit": "1 000 000,00",
                    "address_ext_id": f"D{n}a",
                    "delivery_address": f"Moscow, Lenina {n}",
                    "admin_email": f"admin{n}@partner{n}.example",
                    "admin_phone": f"+7912{n:07d}",
                    "admin_name": f"Admin {n}",
                },
                {**head, **terms, "agreement_ext_id": f"A{n}b", "agreement_name": "Second"},
                {
                    **sub,
                    **terms,
                    "agreement_ext_id": f"A{n}c",
                    "agreement_name": "Branch",
                    "address_ext_id": f"D{n}b",
                    "delivery_address": f"Tver, Sovetskaya {n}",
                },
            ]
            for row in rows:
                writer.writerow([row.get(column, "") for column in COLUMNS])

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        output = load(path, passwords=tmp_path / "passwords.csv")
    elapsed = time.perf_counter() - started
    print(f"1,000 partners: {elapsed:.1f} s, {len(queries)} queries")  # shown with -s
    assert elapsed < 30
    assert len(queries) < 200  # batches, not a query per row (that would be over 9,000)
    assert output[:5] == [
        "Partners: 1000 created, 0 updated, 0 unchanged",
        "Counterparties: 2000 created, 0 updated, 0 unchanged",
        "Agreements: 3000 created, 0 updated, 0 unchanged",
        "Delivery addresses: 2000 created, 0 updated, 0 unchanged",
        "Administrators: 1000 created, 0 updated, 0 unchanged",
    ]
    assert Counterparty.objects.filter(parent__isnull=False).count() == 1000
    before = dump()
    output = load(path, passwords=tmp_path / "again.csv")
    assert dump() == before
    assert output == [
        "Partners: 0 created, 0 updated, 1000 unchanged",
        "Counterparties: 0 created, 0 updated, 2000 unchanged",
        "Agreements: 0 created, 0 updated, 3000 unchanged",
        "Delivery addresses: 0 created, 0 updated, 2000 unchanged",
        "Administrators: 0 created, 0 updated, 1000 unchanged",
    ]
