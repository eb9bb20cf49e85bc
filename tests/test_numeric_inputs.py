"""Every number a partner can type or put in an address: never a server error, and a refused
value changes nothing (property-based, Hypothesis).

Covered: quantities of cart add / add-all / line update / saved-cart load / draft edit /
quick-order row fixes, shortage answers, ids posted with them, and the page number of every
paged list.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kabinet.cart.models import Cart, CartLine
from kabinet.cart.rules import QUANTITY_MAX, quantity_parse
from kabinet.catalog.tests.factories import catalog_make
from kabinet.imports.models import ImportRow
from kabinet.imports.tests.factories import import_jobs_make
from kabinet.orders.models import Order, OrderLine
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Status
from tests.conftest_helpers import client_for

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example database: a failure prints its example
    derandomize=True,  # the same examples on every run: CI never flickers
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HTMX = {"HTTP_HX_REQUEST": "true"}

# What a person (or a script) may send where a number is expected.
NUMBER_TEXT = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.builds(
        "{}e{}".format,
        st.integers(min_value=-(10**6), max_value=10**6),
        st.integers(min_value=-(10**12), max_value=10**12),
    ),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.sampled_from(
        [
            "1e25",
            "1E+25",
            "-1e25",
            "9" * 30,
            "0." + "0" * 40 + "1",
            "1e-30",
            "NaN",
            "sNaN",
            "Infinity",
            "-0",
            "1,5",
            "1 000",
            "999999999.999",
            "1000000000",
            "0",
            "",
        ]
    ),
    st.text(alphabet="0123456789.,-+eE _\xa0", max_size=40),
)
PAGE_TEXT = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["1" + "0" * 29, "9" * 30, "-1", "0", "1e5", "", "last", "2.5", "²", "١٢"]),
    st.text(alphabet="0123456789-+e.", max_size=40),
)


def refused_by_parsing(value: str) -> bool:
    """A quantity that no service may accept: not a number, too precise or too large."""
    try:
        quantity = quantity_parse(value)
    except ValidationError:
        return True
    return quantity > QUANTITY_MAX


def refused_cell(value: str) -> bool:
    """A cell of a matrix or a draft's line: blank means "not ordered", not a refusal."""
    return bool(value.strip()) and refused_by_parsing(value)


def assert_no_server_error(response):
    assert response.status_code < 500, response.content[:2000]


@pytest.fixture
def buyer(partner_admin):
    return client_for(partner_admin)


@pytest.fixture
def goods(partner):
    return catalog_make(partner, products=2)


def cart_state(partner_admin) -> list:
    return sorted(
        CartLine.objects.filter(cart__owner=partner_admin).values_list(
            "cart_id", "variant_id", "quantity"
        )
    )


@EXAMPLES
@given(quantity=NUMBER_TEXT, variant_text=st.one_of(st.none(), PAGE_TEXT))
@example(quantity="", variant_text=None)  # blank: the smallest quantity that may be ordered
@example(quantity="1e25", variant_text=None)
def test_cart_line_add(buyer, partner_admin, goods, quantity, variant_text):
    before = cart_state(partner_admin)
    variant = goods.variants[0].pk if variant_text is None else variant_text
    response = buyer.post("/cart/lines/add/", {"variant": variant, "quantity": quantity}, **HTMX)
    assert_no_server_error(response)
    if refused_cell(quantity):
        assert cart_state(partner_admin) == before


@EXAMPLES
@given(first=NUMBER_TEXT, second=NUMBER_TEXT)
@example(first="", second="2")
@example(first="1e25", second="2")
def test_cart_lines_add_all(buyer, partner_admin, goods, first, second):
    before = cart_state(partner_admin)
    data = {"variant": [v.pk for v in goods.variants], "quantity": [first, second]}
    response = buyer.post("/cart/lines/add-all/", data, **HTMX)
    assert_no_server_error(response)
    if refused_cell(first) or refused_cell(second):
        assert cart_state(partner_admin) == before


@EXAMPLES
@given(quantity=NUMBER_TEXT)
@example(quantity="")
@example(quantity="1e25")
def test_cart_line_update(buyer, partner_admin, goods, quantity):
    variant = goods.variants[0]
    buyer.post("/cart/lines/add/", {"variant": variant.pk, "quantity": "1"})
    before = cart_state(partner_admin)
    response = buyer.post(f"/cart/lines/{variant.pk}/", {"quantity": quantity}, **HTMX)
    assert_no_server_error(response)
    if refused_by_parsing(quantity):
        assert cart_state(partner_admin) == before


@EXAMPLES
@given(
    saved_quantity=st.decimals(min_value=Decimal("0.001"), max_value=QUANTITY_MAX, places=3),
    cart_quantity=st.decimals(min_value=Decimal("0.001"), max_value=QUANTITY_MAX, places=3),
)
def test_saved_cart_load(buyer, partner_admin, goods, saved_quantity, cart_quantity):
    """The quantities a saved cart holds, merged into the working cart's."""
    variant = goods.variants[0]
    variant.product.is_fractional = True
    variant.product.save()
    CartLine.objects.filter(cart__owner=partner_admin).delete()
    Cart.objects.filter(owner=partner_admin).exclude(name="").delete()
    buyer.post("/cart/lines/add/", {"variant": variant.pk, "quantity": str(cart_quantity)})
    working = Cart.objects.get(owner=partner_admin, name="")
    saved = Cart.objects.create(
        partner=working.partner,
        owner=partner_admin,
        counterparty=working.counterparty,
        agreement=working.agreement,
        name="Weekly",
    )
    CartLine.objects.create(cart=saved, variant=variant, quantity=saved_quantity)
    before = cart_state(partner_admin)
    response = buyer.post(f"/cart/saved/{saved.pk}/load/", {"mode": "merge"})
    assert_no_server_error(response)
    if saved_quantity + cart_quantity > QUANTITY_MAX:
        assert cart_state(partner_admin) == before


def order_state(order_id) -> list:
    order = Order.objects.get(pk=order_id)
    lines = OrderLine.objects.filter(order_id=order_id).order_by("pk")
    return [
        order.status,
        order.total,
        order.address_id,
        order.comment,
        *lines.values_list("variant_id", "quantity", "shortage_answer"),
    ]


@EXAMPLES
@given(quantity=NUMBER_TEXT, other_key=PAGE_TEXT)
@example(quantity="", other_key="")
@example(quantity="1e25", other_key="9" * 30)
def test_draft_order_edit(buyer, partner_admin, goods, quantity, other_key):
    order = Order.objects.filter(author=partner_admin, status=Status.DRAFT).first() or order_make(
        author=partner_admin, variants=goods.variants, status=Status.DRAFT, quantity="3"
    )
    before = order_state(order.pk)
    variant = goods.variants[0]
    data = {
        f"line-{variant.pk}": quantity,
        f"line-{goods.variants[1].pk}": "3",
        f"line-{other_key}": "1",
        "comment": "",
    }
    response = buyer.post(f"/orders/{order.pk}/edit/", data)
    assert_no_server_error(response)
    if refused_cell(quantity):
        assert order_state(order.pk) == before


@EXAMPLES
@given(answer=st.one_of(NUMBER_TEXT, st.sampled_from(["accepted", "rejected"])), key=PAGE_TEXT)
def test_shortage_answers(buyer, partner_admin, goods, answer, key):
    order = Order.objects.filter(
        author=partner_admin, status=Status.SHORTAGE
    ).first() or order_make(
        author=partner_admin, variants=goods.variants, status=Status.SHORTAGE, quantity="10"
    )
    before = order_state(order.pk)
    data = {f"line-{line.pk}": answer for line in order.lines.all()}
    data[f"line-{key}"] = "accepted"
    response = buyer.post(f"/orders/{order.pk}/shortage/", data)
    assert_no_server_error(response)
    if answer not in ("accepted", "rejected"):
        assert order_state(order.pk) == before


@EXAMPLES
@given(quantity=NUMBER_TEXT, use_quantity=st.booleans(), variant=st.one_of(st.none(), PAGE_TEXT))
@example(quantity="", use_quantity=False, variant=None)
@example(quantity="1e25", use_quantity=True, variant=None)
def test_quick_order_row_fix(buyer, partner, quantity, use_quantity, variant):
    from kabinet.imports.models import ImportJob

    job = ImportJob.objects.filter(partner=partner).first() or import_jobs_make(partner)
    row = job.rows.get()
    before = (row.quantity, row.quantity_text)
    data = {"code": "OMEGA-ART-77", "quantity": quantity}
    if use_quantity:
        data = {"use_quantity": quantity}
    if variant is not None:
        data["variant"] = variant
    response = buyer.post(f"/quick-order/{job.pk}/rows/{row.pk}/", data, **HTMX)
    assert_no_server_error(response)
    if refused_by_parsing(quantity):
        # The report keeps what was typed and flags it; no quantity is taken from it.
        row = ImportRow.objects.get(pk=row.pk)
        if (row.quantity, row.quantity_text) != before:
            assert row.quantity is None
            assert row.outcome in (ImportRow.Outcome.BAD_QUANTITY, ImportRow.Outcome.NO_QUANTITY)


@pytest.mark.parametrize(
    "path",
    [
        "/catalog/",
        "/orders/",
        "/notifications/",
        "/quick-order/codes/",
        "/quick-order/{job}/",
        "/cart/saved/",
    ],
)
def test_page_numbers_of_every_paged_list(buyer, partner, goods, path):
    job = import_jobs_make(partner) if "{job}" in path else None
    url = path.format(job=job.pk if job else "")

    @EXAMPLES
    @given(page=PAGE_TEXT, other=PAGE_TEXT)
    def check(page, other):
        query = {"page": page, "section": other, "brand": other, "prop": f"{other}:x"}
        response = buyer.get(url, {**query, "counterparty": other})
        assert_no_server_error(response)
        assert response.status_code in (200, 404)

    check()


@pytest.mark.parametrize("typed", ["1e25", "1E+30", "9" * 30, "-1e25"])
def test_a_huge_quantity_is_refused_with_a_clear_message(typed):
    with pytest.raises(ValidationError) as refused:
        quantity_parse(typed)
    expected = "not_positive" if typed[0] == "-" else "too_large"
    assert refused.value.code == expected


def test_a_huge_quantity_in_the_cart_says_so_in_russian(buyer, partner_admin, goods):
    response = buyer.post(
        "/cart/lines/add/", {"variant": goods.variants[0].pk, "quantity": "1e25"}, **HTMX
    )
    assert response.status_code == 200
    assert "Слишком большое количество." in response.content.decode()
    assert cart_state(partner_admin) == []


def test_a_thirty_digit_catalog_page_shows_the_last_page(buyer, goods):
    response = buyer.get("/catalog/", {"page": "9" * 30})
    assert response.status_code == 200
    assert response.context["page"].page == 1
    assert len(response.context["page"].products) == 2
