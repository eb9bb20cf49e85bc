"""Partners, their legal entities, agreements and addresses, and the people who log in.

Partner 1─* Counterparty 1─* Agreement, 1─* DeliveryAddress; a User belongs to one partner
(partner users) or to none (the supplier's staff). Everything the ERP feeds carries `ext_id`,
unique per model, so the exchange can upsert by it.
"""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from kabinet.core.text import contains_number


def ext_id_field():
    return models.CharField(_("1C id"), max_length=80, unique=True, null=True, blank=True)


class Section(models.TextChoices):
    """The parts of the portal an administrator grants to each employee (A3)."""

    CATALOG = "catalog", _("Catalog and ordering")
    ORDERS = "orders", _("Orders")
    FINANCE = "finance", _("Finance")
    REPORTS = "reports", _("Reports")
    PLANS = "plans", _("Plans")
    EMPLOYEES = "employees", _("Employees")


ALL_SECTIONS = [section.value for section in Section]


class Partner(models.Model):
    """A buyer company (or group of companies) that the supplier works with."""

    ext_id = ext_id_field()
    name = models.CharField(_("name"), max_length=300)
    manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("supplier's manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_partners",
        limit_choices_to={"is_staff": True},
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Moved on every change, so that the ERP API can page through what changed since a time.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Counterparty(models.Model):
    """A legal entity of a partner: the head company or one of its subsidiaries."""

    ext_id = ext_id_field()
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="counterparties"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("head company"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="subsidiaries",
    )
    name = models.CharField(_("name"), max_length=300)
    inn = models.CharField(_("INN"), max_length=12, blank=True)
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    legal_address = models.CharField(_("legal address"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Moved on every change, so that the ERP API can page through what changed since a time.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")
        ordering = ["name"]
        indexes = [models.Index(fields=["partner", "name"])]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """Terms a counterparty buys on: price type, currency, payment deferral, credit limit."""

    ext_id = ext_id_field()
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="agreements",
    )
    name = models.CharField(_("name"), max_length=300)
    number = models.CharField(_("number"), max_length=100, blank=True)
    price_type = models.ForeignKey(
        "pricing.PriceType",
        verbose_name=_("price type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    payment_deferral_days = models.PositiveIntegerField(_("payment deferral, days"), default=0)
    credit_limit = models.DecimalField(
        _("credit limit"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Moved on every change, so that the ERP API can page through what changed since a time.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_limit__isnull=True) | Q(credit_limit__gte=0),
                name="agreement_credit_limit_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="agreement_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name with the number, the number once: 1C names often carry it already
        ("Договор поставки № 12" with number "12")."""
        name, number = self.name.strip(), self.number.strip()
        if not number or contains_number(name, number):
            return name
        if not name:
            return f"№ {number}"
        if "№" in name:  # another number in the name: keep both, without a second "№"
            return f"{name} ({number})"
        return f"{name} № {number}"


class DeliveryAddress(models.Model):
    ext_id = ext_id_field()
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("counterparty"),
        on_delete=models.CASCADE,
        related_name="addresses",
    )
    address = models.CharField(_("address"), max_length=500)
    is_active = models.BooleanField(_("active"), default=True)
    # Moved on every change, so that the ERP API can page through what changed since a time.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, **fields):
        if email:
            fields["email"] = self.normalize_email(email).lower()
        user = self.model(**fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email=email, password=password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in: a partner's employee (partner set) or the supplier's staff (none).

    Logs in by e-mail or phone. `sections` lists what a partner employee may use; an employee
    with the "employees" section is one of the partner's administrators. `counterparties`
    empty means every counterparty of the partner.
    """

    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, unique=True, null=True, blank=True, help_text=_("+7…")
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="users",
    )
    sections = models.JSONField(_("sections"), default=list, blank=True)
    counterparties = models.ManyToManyField(
        Counterparty,
        verbose_name=_("counterparties"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty to allow all counterparties of the partner."),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    is_staff = models.BooleanField(_("supplier staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    @property
    def login(self) -> str:
        return self.email or self.phone or ""

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.login

    def _get_session_auth_hash(self, secret=None) -> str:
        """Sessions die when the password changes and when `session_epoch` moves on.

        Blocking a user and "log out everywhere" move the epoch, which ends every session at
        its next request without touching the session store.
        """
        return salted_hmac(
            "kabinet.accounts.User.session",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class PasswordResetRequest(models.Model):
    """A request for a password-reset letter, kept a day for the throttle (services)."""

    email = models.CharField(_("e-mail"), max_length=254)
    address = models.GenericIPAddressField(_("IP address"), null=True)
    allowed = models.BooleanField(_("letter allowed"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")
        indexes = [
            models.Index(fields=["email", "created_at"]),
            models.Index(fields=["address", "created_at"]),
        ]

    def __str__(self):
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M}"
