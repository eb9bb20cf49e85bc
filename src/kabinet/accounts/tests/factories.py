import factory
from django.contrib.auth.hashers import make_password

from kabinet.accounts.models import (
    ALL_SECTIONS,
    Agreement,
    Counterparty,
    DeliveryAddress,
    Partner,
    User,
)
from kabinet.pricing.models import PriceType

PASSWORD = "correct horse battery"


class PriceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceType

    name = factory.Sequence(lambda n: f"Price type {n}")
    ext_id = factory.Sequence(lambda n: f"pt-{n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    ext_id = factory.Sequence(lambda n: f"partner-{n}")


class CounterpartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counterparty

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Counterparty {n}")
    ext_id = factory.Sequence(lambda n: f"cp-{n}")
    inn = factory.Sequence(lambda n: f"{7700000000 + n}")
    kpp = "770101001"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    counterparty = factory.SubFactory(CounterpartyFactory)
    name = factory.Sequence(lambda n: f"Agreement {n}")
    ext_id = factory.Sequence(lambda n: f"ag-{n}")
    price_type = factory.SubFactory(PriceTypeFactory)
    payment_deferral_days = 30
    credit_limit = 100000


class DeliveryAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryAddress

    counterparty = factory.SubFactory(CounterpartyFactory)
    address = factory.Sequence(lambda n: f"Moscow, Lenina st., {n}")
    ext_id = factory.Sequence(lambda n: f"addr-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"User {n}")
    partner = factory.SubFactory(PartnerFactory)
    sections = factory.LazyFunction(lambda: list(ALL_SECTIONS))
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class StaffUserFactory(UserFactory):
    partner = None
    sections = factory.LazyFunction(list)
    is_staff = True
