from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from tests.conftest_helpers import client_for

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import StaffUserFactory
from kabinet.events import selectors, services
from kabinet.events.models import News, NewsRead
from kabinet.events.tests.factories import NewsFactory, png_upload

pytestmark = pytest.mark.django_db

ORIENTATION, MAKE, GPS = 0x0112, 0x010F, 0x8825


def jpeg_with_exif(size=(60, 40)):
    exif = Image.Exif()
    exif[MAKE] = "SpyCam"
    exif[ORIENTATION] = 6  # taken sideways: to be turned 90° on display
    exif[GPS] = {1: "N", 2: (55.0, 45.0, 0.0)}
    return png_upload("photo.jpg", size=size, fmt="JPEG", exif=exif.tobytes())


def test_a_picture_is_reencoded_without_its_metadata_and_turned_upright():
    upload = jpeg_with_exif()
    assert b"SpyCam" in upload.read()
    news = NewsFactory()
    services.news_image_set(news=news, upload=upload)
    news.refresh_from_db()

    assert news.image_type == "image/jpeg"
    assert b"SpyCam" not in bytes(news.image)
    stored = Image.open(BytesIO(bytes(news.image)))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert stored.size == (40, 60) == (news.image_width, news.image_height)


def test_a_big_picture_is_scaled_down_and_transparency_kept():
    news = NewsFactory()
    out = BytesIO()
    Image.new("RGBA", (3200, 800), (0, 0, 0, 0)).save(out, format="PNG")
    services.news_image_set(news=news, upload=SimpleUploadedFile("wide.png", out.getvalue()))
    news.refresh_from_db()
    assert (news.image_type, news.image_width, news.image_height) == ("image/png", 1600, 400)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("invoice.jpg", b"%PDF-1.4 not a picture"),
        SimpleUploadedFile("empty.png", b""),
    ],
)
def test_what_is_not_a_picture_is_refused_and_nothing_stored(upload):
    news = NewsFactory()
    with pytest.raises(ValidationError):
        services.news_image_set(news=news, upload=upload)
    news.refresh_from_db()
    assert (news.image, news.image_type) == (None, "")


def test_a_decompression_bomb_is_refused():
    out = BytesIO()
    Image.new("1", (10_000, 5_000)).save(out, format="PNG")  # 50 Mpx, a few KB
    with pytest.raises(ValidationError, match="слишком большая"):
        services.image_reencode(SimpleUploadedFile("bomb.png", out.getvalue()))


def test_the_picture_is_served_only_to_the_news_audience(buyer, other_admin, partner):
    news = NewsFactory(for_partners=[partner])
    services.news_image_set(news=news, upload=png_upload())
    response = client_for(buyer).get(f"/news/{news.pk}/image/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert Image.open(BytesIO(response.content)).size == (40, 30)
    assert client_for(other_admin).get(f"/news/{news.pk}/image/").status_code == 404
    without = NewsFactory()
    assert client_for(buyer).get(f"/news/{without.pk}/image/").status_code == 404


def test_the_home_page_shows_the_latest_unread_news(buyer, other_partner):
    now = timezone.now()
    for days in range(5, 0, -1):
        NewsFactory(title=f"News {days} days old", published_at=now - timedelta(days=days))
    NewsFactory(title="For Omega only", for_partners=[other_partner])
    NewsFactory(title="Scheduled for tomorrow", published_at=now + timedelta(days=1))
    NewsFactory(title="Unpublished", is_published=False)
    client = client_for(buyer)
    opened = News.objects.get(title="News 1 days old")
    assert client.get(f"/news/{opened.pk}/").status_code == 200

    assert [n.title for n in selectors.news_unread_latest(scope=scope_for(buyer))] == [
        "News 2 days old",
        "News 3 days old",
        "News 4 days old",
    ]
    home = client.get("/").content.decode()
    assert 'data-testid="home-news"' in home
    assert "News 2 days old" in home
    assert "News 1 days old" not in home
    assert "News 5 days old" not in home
    assert "For Omega only" not in home


def test_read_marks_are_per_user(buyer, colleague):
    news = NewsFactory()
    client_for(buyer).get(f"/news/{news.pk}/")
    client_for(buyer).get(f"/news/{news.pk}/")
    assert list(NewsRead.objects.values_list("user__email", flat=True)) == ["buyer@alpha.example"]
    assert selectors.news_unread_latest(scope=scope_for(buyer)) == []
    assert [n.pk for n in selectors.news_unread_latest(scope=scope_for(colleague))] == [news.pk]
    assert client_for(colleague).post("/news/read/").status_code == 302
    assert selectors.news_unread_latest(scope=scope_for(colleague)) == []
    assert NewsRead.objects.count() == 2


def test_the_home_page_has_no_news_block_when_all_is_read(buyer):
    assert 'data-testid="home-news"' not in client_for(buyer).get("/").content.decode()


def test_staff_publish_a_news_item_with_a_picture_in_the_admin(db, partner, buyer):
    staff = StaffUserFactory(is_superuser=True)
    response = client_for(staff).post(
        "/admin/events/news/add/",
        {
            "title": "Осенняя акция",
            "text": "Скидка 10% на перчатки",
            "published_at_0": timezone.localdate().isoformat(),
            "published_at_1": "00:00:00",
            "is_published": "on",
            "audience": "selected",
            "partners": [partner.pk],
            "picture": jpeg_with_exif(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    news = News.objects.get()
    assert news.image_type == "image/jpeg"
    assert b"SpyCam" not in bytes(news.image)
    assert list(news.partners.all()) == [partner]
    assert client_for(buyer).get(f"/news/{news.pk}/").status_code == 200


def test_the_admin_refuses_a_file_that_is_not_a_picture(db):
    staff = StaffUserFactory(is_superuser=True)
    response = client_for(staff).post(
        "/admin/events/news/add/",
        {
            "title": "Broken",
            "published_at_0": timezone.localdate().isoformat(),
            "published_at_1": "00:00:00",
            "audience": "all",
            "picture": SimpleUploadedFile("x.jpg", b"not an image"),
        },
    )
    assert response.status_code == 200
    assert News.objects.count() == 0
