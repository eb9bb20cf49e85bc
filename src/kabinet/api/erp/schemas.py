"""The shapes of the ERP API's bodies and answers (shape only: the rules live in services)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from kabinet.accounts.models import Section
from kabinet.api.bulk import NO_NUL, ExtId, bulk_body
from kabinet.finance.models import OrderPaymentStatus, ReconciliationStatus


def text(max_length: int, min_length: int = 0):
    return Annotated[
        str,
        StringConstraints(
            min_length=min_length, max_length=max_length, strip_whitespace=True, pattern=NO_NUL
        ),
    ]


Name = text(300, 1)
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Money = Annotated[Decimal, Field(max_digits=15, decimal_places=2, ge=0)]
SignedMoney = Annotated[Decimal, Field(max_digits=15, decimal_places=2)]
PositiveMoney = Annotated[Decimal, Field(max_digits=15, decimal_places=2, gt=0)]


class Page(Schema):
    next_cursor: str | None


# ── Partners, counterparties, agreements, addresses, users ─────────────────────────────────


class PartnerIn(Schema):
    ext_id: ExtId
    name: Name
    manager_email: text(254) | None = Field(None, description="A staff user's e-mail, or null.")


class PartnerOut(Schema):
    ext_id: str
    name: str
    manager_email: str | None
    is_active: bool
    updated_at: datetime


class PartnersPage(Page):
    items: list[PartnerOut]


class CounterpartyIn(Schema):
    ext_id: ExtId
    partner_ext_id: ExtId
    name: Name
    parent_ext_id: ExtId | None = Field(None, description="The head company, if any.")
    inn: text(12) | None = None
    kpp: text(9) | None = None
    legal_address: text(500) | None = None


class CounterpartyOut(Schema):
    ext_id: str
    partner_ext_id: str | None
    parent_ext_id: str | None
    name: str
    inn: str
    kpp: str
    legal_address: str
    is_active: bool
    updated_at: datetime


class CounterpartiesPage(Page):
    items: list[CounterpartyOut]


class AgreementIn(Schema):
    ext_id: ExtId
    counterparty_ext_id: ExtId
    name: Name
    number: text(100) | None = None
    price_type_ext_id: ExtId | None = None
    currency: Currency = "RUB"
    payment_deferral_days: int = Field(0, ge=0, le=3650)
    credit_limit: Money | None = Field(None, description="null: no limit.")
    valid_from: date | None = None
    valid_to: date | None = None


class AgreementOut(Schema):
    ext_id: str
    counterparty_ext_id: str | None
    name: str
    number: str
    price_type_ext_id: str | None
    currency: str
    payment_deferral_days: int
    credit_limit: Decimal | None
    valid_from: date | None
    valid_to: date | None
    is_active: bool
    updated_at: datetime


class AgreementsPage(Page):
    items: list[AgreementOut]


class AddressIn(Schema):
    ext_id: ExtId
    counterparty_ext_id: ExtId
    address: text(500, 1)


class AddressOut(Schema):
    ext_id: str
    counterparty_ext_id: str | None
    address: str
    is_active: bool
    updated_at: datetime


class AddressesPage(Page):
    items: list[AddressOut]


class InvitationIn(Schema):
    partner_ext_id: ExtId
    email: (
        Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+$")]
        | None
    ) = None
    phone: text(30) | None = None
    full_name: text(200) | None = None
    position: text(200) | None = None
    sections: list[Section] | None = Field(
        None, description="Sections the user may use; all of them (an administrator) if left out."
    )


class InvitationOut(Schema):
    partner_ext_id: str | None
    email: str | None
    phone: str | None
    full_name: str
    is_active: bool
    activated: bool = Field(description="The user has chosen their own password.")
    last_login: datetime | None
    date_joined: datetime


class InvitationsPage(Page):
    items: list[InvitationOut]


# ── Finance ───────────────────────────────────────────────────────────────────────────────


class PaymentIn(Schema):
    ext_id: ExtId
    number: text(40, 1) = Field(description="Payment order number.")
    date: date
    counterparty_ext_id: ExtId
    agreement_ext_id: ExtId | None = None
    purpose: text(1000) | None = None
    amount: PositiveMoney
    currency: Currency = "RUB"


class PaymentOut(Schema):
    ext_id: str
    number: str
    date: date
    counterparty_ext_id: str | None
    agreement_ext_id: str | None
    purpose: str
    amount: Decimal
    currency: str
    updated_at: datetime


class PaymentsPage(Page):
    items: list[PaymentOut]


class DebtIn(Schema):
    agreement_ext_id: ExtId
    balance: SignedMoney = Field(description="What is owed; negative: paid in advance.")
    overdue: Money = Decimal(0)
    as_of: date
    currency: Currency = "RUB"


class DebtOut(Schema):
    agreement_ext_id: str | None
    counterparty_ext_id: str | None
    balance: Decimal
    overdue: Decimal
    as_of: date
    currency: str
    updated_at: datetime


class DebtsPage(Page):
    items: list[DebtOut]


class ScheduleItemIn(Schema):
    ext_id: ExtId
    counterparty_ext_id: ExtId
    agreement_ext_id: ExtId
    document: text(300, 1) = Field(description="The document to be paid, e.g. an invoice.")
    document_date: date | None = None
    due_date: date
    amount: Money
    paid: Money = Decimal(0)
    remaining: Money | None = Field(None, description="amount − paid when left out.")
    currency: Currency = "RUB"


class ScheduleItemOut(Schema):
    ext_id: str
    counterparty_ext_id: str | None
    agreement_ext_id: str | None
    document: str
    document_date: date | None
    due_date: date
    amount: Decimal
    paid: Decimal
    remaining: Decimal
    currency: str
    updated_at: datetime


class SchedulePage(Page):
    items: list[ScheduleItemOut]


class OrderPaymentIn(Schema):
    order_number: text(40, 1) = Field(description="The order's number in Kabinet.")
    status: OrderPaymentStatus
    paid_amount: Money = Decimal(0)
    paid_date: date | None = None


class OrderPaymentOut(Schema):
    order_number: str
    order_ext_id: str | None
    status: OrderPaymentStatus
    paid_amount: Decimal
    paid_date: date | None
    updated_at: datetime


class OrderPaymentsPage(Page):
    items: list[OrderPaymentOut]


class ReconciliationOut(Schema):
    id: int
    partner_ext_id: str | None
    counterparty_ext_id: str | None
    counterparty_name: str
    counterparty_inn: str
    period_from: date
    period_to: date
    with_stamp: bool
    status: ReconciliationStatus
    refusal_reason: str
    has_act: bool
    created_at: datetime
    updated_at: datetime


class ReconciliationPage(Page):
    items: list[ReconciliationOut]


class ActBase64In(Schema):
    content_base64: str = Field(min_length=1, description="The PDF, base64-encoded.")


class RefusalIn(Schema):
    reason: text(1000, 1)


PartnersBody = bulk_body("PartnersBody", PartnerIn)
CounterpartiesBody = bulk_body("CounterpartiesBody", CounterpartyIn)
AgreementsBody = bulk_body("AgreementsBody", AgreementIn)
AddressesBody = bulk_body("AddressesBody", AddressIn)
InvitationsBody = bulk_body("InvitationsBody", InvitationIn, deletions=False)
PaymentsBody = bulk_body("PaymentsBody", PaymentIn)
DebtsBody = bulk_body("DebtsBody", DebtIn)
ScheduleBody = bulk_body("ScheduleBody", ScheduleItemIn)
OrderPaymentsBody = bulk_body("OrderPaymentsBody", OrderPaymentIn, deletions=False)
