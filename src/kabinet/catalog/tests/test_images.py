from django.core.files.base import ContentFile
from tests.conftest_helpers import client_for

from kabinet.catalog.models import ProductImage
from kabinet.catalog.tests.factories import SectionFactory, catalog_make


def picture_of(product):
    image = ProductImage(product=product, sha256="x")
    image.file.save("gloves.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg"), save=True)
    return image


def test_a_product_picture_is_served_to_a_partner_who_may_see_the_product(partner, partner_admin):
    data = catalog_make(partner, products=1)
    image = picture_of(data.products[0])
    client = client_for(partner_admin)
    response = client.get(f"/catalog/images/{image.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\xff\xd8\xff\xe0 jpeg"
    card = client.get(f"/catalog/products/{data.products[0].pk}/").content.decode()
    assert f"/catalog/images/{image.pk}/" in card
    assert "/media/" not in card


def test_a_picture_outside_the_assortment_is_not_found(partner, partner_admin):
    catalog_make(partner, products=1, assortment_rules=True)
    hidden = catalog_make(None, products=1, section=SectionFactory())
    image = picture_of(hidden.products[0])
    assert client_for(partner_admin).get(f"/catalog/images/{image.pk}/").status_code == 404
