from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart import services
from kabinet.cart.models import Cart, CartLine
from kabinet.cart.tests.factories import cart_make, english_client
from kabinet.pricing.models import Price


def _lines(cart) -> dict[int, Decimal]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


@pytest.fixture
def colleague(partner):
    return UserFactory(partner=partner, email="colleague@alpha.example", full_name="Alpha Buyer")


def test_saving_copies_the_lines_under_a_name(scope, partner_admin, goods):
    first, second = goods.variants[:2]
    cart = cart_make(owner=partner_admin, lines={first: 2, second: 1})
    saved = services.cart_save_as(scope=scope, cart=cart, name="  Weekly   restock ", shared=True)
    assert (saved.name, saved.shared, saved.owner_id) == ("Weekly restock", True, partner_admin.pk)
    assert saved.counterparty_id == cart.counterparty_id
    assert _lines(saved) == _lines(cart) == {first.pk: 2, second.pk: 1}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the saved cart a name."),
        ("x" * 201, "The name may have at most 200 characters."),
        ("Weekly", "You already have a saved cart named “Weekly”."),
    ],
)
def test_a_bad_name_is_refused(scope, partner_admin, goods, name, message):
    cart = cart_make(owner=partner_admin, lines={goods.variants[0]: 1})
    cart_make(owner=partner_admin, name="Weekly")
    with pytest.raises(ValidationError) as refused:
        services.cart_save_as(scope=scope, cart=cart, name=name)
    assert refused.value.messages == [message]
    assert Cart.objects.count() == 2


def test_an_empty_cart_is_not_saved(scope, partner_admin):
    cart = cart_make(owner=partner_admin)
    with pytest.raises(ValidationError):
        services.cart_save_as(scope=scope, cart=cart, name="Nothing")


def test_loading_merges_or_replaces(scope, partner_admin, goods):
    first, second, third = goods.variants
    saved = cart_make(owner=partner_admin, name="Weekly", lines={first: 2, second: 3})
    cart = cart_make(owner=partner_admin, lines={first: 1, third: 4})
    result = services.cart_load(scope=scope, saved_cart=saved, into=cart, mode="merge")
    assert (result.loaded, result.skipped) == (2, 0)
    assert _lines(cart) == {first.pk: 3, second.pk: 3, third.pk: 4}
    services.cart_load(scope=scope, saved_cart=saved, into=cart, mode="replace")
    assert _lines(cart) == {first.pk: 2, second.pk: 3}
    assert _lines(saved) == {first.pk: 2, second.pk: 3}


def test_loading_skips_what_is_no_longer_available(scope, partner_admin, goods):
    first, second = goods.variants[:2]
    saved = cart_make(owner=partner_admin, name="Weekly", lines={first: 2, second: 3})
    Price.objects.filter(variant=second).delete()
    cart = cart_make(owner=partner_admin)
    result = services.cart_load(scope=scope, saved_cart=saved, into=cart, mode="merge")
    assert (result.loaded, result.skipped) == (1, 1)
    assert _lines(cart) == {first.pk: 2}


def test_rename_share_and_delete_are_the_owners(scope, partner_admin, colleague, goods):
    saved = cart_make(owner=partner_admin, name="Weekly", lines={goods.variants[0]: 1})
    services.cart_rename(scope=scope, cart=saved, name="Monday")
    services.cart_share(scope=scope, cart=saved, shared=True)
    saved.refresh_from_db()
    assert (saved.name, saved.shared) == ("Monday", True)
    other = scope_for(colleague)
    for change in (
        lambda: services.cart_rename(scope=other, cart=saved, name="Mine now"),
        lambda: services.cart_share(scope=other, cart=saved, shared=False),
        lambda: services.cart_delete(scope=other, cart=saved),
    ):
        with pytest.raises(PermissionDenied):
            change()
    saved.refresh_from_db()
    assert (saved.name, saved.shared) == ("Monday", True)
    services.cart_delete(scope=scope, cart=saved)
    assert not Cart.objects.filter(pk=saved.pk).exists()
    assert CartLine.objects.count() == 0


def test_the_working_cart_cannot_be_renamed_into_a_template(scope, partner_admin):
    cart = cart_make(owner=partner_admin)
    with pytest.raises(ValidationError):
        services.cart_rename(scope=scope, cart=cart, name="Sneaky")


def test_a_colleague_sees_and_loads_a_shared_cart(partner_admin, colleague, goods):
    first, second = goods.variants[:2]
    saved = cart_make(
        owner=partner_admin, name="Weekly restock", shared=True, lines={first: 2, second: 3}
    )
    client = english_client(colleague)
    page = client.get("/cart/saved/").content.decode()
    assert "Weekly restock" in page
    assert "Shared by Alpha Admin" in page
    assert f'action="/cart/saved/{saved.pk}/rename/"' not in page  # read-only for colleagues
    detail = client.get(f"/cart/saved/{saved.pk}/")
    assert detail.status_code == 200
    assert detail.content.decode().count('data-testid="cart-line"') == 2
    response = client.post(f"/cart/saved/{saved.pk}/load/", {"mode": "merge"})
    assert (response.status_code, response.url) == (302, "/cart/")
    working = Cart.objects.get(owner=colleague, name="")
    assert _lines(working) == {first.pk: 2, second.pk: 3}
    assert _lines(saved) == {first.pk: 2, second.pk: 3}
    assert client.post(f"/cart/saved/{saved.pk}/delete/").status_code == 403
    assert client.post(f"/cart/saved/{saved.pk}/rename/", {"name": "Mine"}).status_code == 403
    assert Cart.objects.get(pk=saved.pk).name == "Weekly restock"


def test_an_unshared_cart_of_a_colleague_is_not_found(partner_admin, colleague, goods):
    saved = cart_make(owner=partner_admin, name="Private", lines={goods.variants[0]: 1})
    client = english_client(colleague)
    assert "Private" not in client.get("/cart/saved/").content.decode()
    assert client.get(f"/cart/saved/{saved.pk}/").status_code == 404
    assert client.post(f"/cart/saved/{saved.pk}/load/").status_code == 404
    assert not Cart.objects.filter(owner=colleague).exists()


def test_another_partners_shared_cart_is_not_found(partner_admin, other_partner, goods):
    omega = UserFactory(partner=other_partner)
    saved = cart_make(owner=omega, name="Omega weekly", shared=True)
    client = english_client(partner_admin)
    assert "Omega weekly" not in client.get("/cart/saved/").content.decode()
    for url in ("", "load/", "rename/", "share/", "delete/"):
        method = client.get if not url else client.post
        assert method(f"/cart/saved/{saved.pk}/{url}").status_code == 404
    assert Cart.objects.get(pk=saved.pk).name == "Omega weekly"


def test_save_as_share_rename_and_delete_through_the_pages(partner_admin, goods):
    cart_make(owner=partner_admin, lines={goods.variants[0]: 2})
    client = english_client(partner_admin)
    response = client.post("/cart/saved/new/", {"name": "Weekly", "shared": "1"})
    assert (response.status_code, response.url) == (302, "/cart/saved/")
    saved = Cart.objects.get(name="Weekly")
    assert saved.shared is True
    client.post(f"/cart/saved/{saved.pk}/share/", {"shared": "0"})
    client.post(f"/cart/saved/{saved.pk}/rename/", {"name": "Monday"})
    saved.refresh_from_db()
    assert (saved.name, saved.shared) == ("Monday", False)
    client.post(f"/cart/saved/{saved.pk}/delete/")
    assert not Cart.objects.filter(pk=saved.pk).exists()


def test_a_refused_save_as_says_why(partner_admin):
    client = english_client(partner_admin)
    response = client.post("/cart/saved/new/", {"name": "Empty"}, follow=True)
    assert "The cart is empty: there is nothing to save." in response.content.decode()
    assert Cart.objects.filter(name="Empty").count() == 0


def test_the_saved_list_query_count_does_not_grow(
    partner, partner_admin, goods, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = english_client(partner_admin)
    counts = []
    for n in (2, 20):
        while Cart.objects.filter(owner=partner_admin).exclude(name="").count() < n:
            i = Cart.objects.count()
            cart_make(owner=partner_admin, name=f"Saved {i}", lines={goods.variants[0]: 1})
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/cart/saved/").content.decode()
        assert body.count('data-testid="saved-cart"') == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_foreign_or_unshared_cart_cannot_be_loaded(
    scope, partner_admin, colleague, other_partner
):
    mine = cart_make(owner=partner_admin)
    private = cart_make(owner=colleague, name="Private")
    foreign = cart_make(owner=UserFactory(partner=other_partner), name="Omega", shared=True)
    for saved in (private, foreign):
        with pytest.raises(Http404):
            services.cart_load(scope=scope, saved_cart=saved, into=mine)
    assert _lines(mine) == {}
