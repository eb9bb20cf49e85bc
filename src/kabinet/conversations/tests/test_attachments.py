"""Attachments: checked by content, refused with a clear message and nothing stored."""

import io
import zipfile

import pytest
from django.urls import reverse
from PIL import Image

from kabinet.conversations.files import MAX_FILE_SIZE
from kabinet.conversations.models import Attachment, Conversation, Message
from kabinet.conversations.tests.conftest import stored_files
from kabinet.conversations.tests.factories import jpeg_bytes, pdf_bytes, png_bytes, upload


def _docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _post(client, files, text="See the files"):
    return client.post(reverse("conversations:general"), {"text": text, "files": files})


def _nothing_stored(private_dir):
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files(private_dir) == []


@pytest.mark.django_db
def test_a_program_renamed_to_pdf_is_refused_and_nothing_is_stored(
    partner_client, manager, private_dir
):
    response = _post(partner_client, [upload("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 500)])

    assert response.status_code == 200
    assert "«invoice.pdf» — это не файл PDF, что бы ни говорило его имя." in response.text
    _nothing_stored(private_dir)


@pytest.mark.django_db
def test_an_image_named_docx_is_refused(partner_client, manager, private_dir):
    response = _post(partner_client, [upload("contract.docx", png_bytes())])

    assert "«contract.docx» — это не файл DOCX, что бы ни говорило его имя." in response.text
    _nothing_stored(private_dir)


@pytest.mark.django_db
def test_a_pdf_named_jpg_is_refused(partner_client, manager, private_dir):
    response = _post(partner_client, [upload("photo.jpg", pdf_bytes())])

    assert "«photo.jpg» — это не изображение, что бы ни говорило его имя." in response.text
    _nothing_stored(private_dir)


@pytest.mark.django_db
def test_an_unaccepted_extension_is_refused(partner_client, manager, private_dir):
    response = _post(partner_client, [upload("run.exe", b"MZ" + b"\x00" * 100)])

    assert "«run.exe»: такие файлы не принимаются." in response.text
    _nothing_stored(private_dir)


@pytest.mark.django_db
def test_a_file_over_ten_megabytes_is_refused(partner_client, manager, private_dir):
    big = pdf_bytes() + b"0" * (MAX_FILE_SIZE + 1 - len(pdf_bytes()))

    response = _post(partner_client, [upload("scan.pdf", pdf_bytes()), upload("big.pdf", big)])

    assert "«big.pdf» — 10,0\xa0МБ: файл может быть не больше 10,0\xa0МБ." in response.text
    _nothing_stored(private_dir)


@pytest.mark.django_db
def test_eleven_files_are_refused(partner_client, manager, private_dir):
    files = [upload(f"scan{n}.pdf", pdf_bytes()) for n in range(11)]

    response = _post(partner_client, files)

    assert "Можно приложить не больше 10 файлов, а выбрано 11." in response.text
    _nothing_stored(private_dir)


@pytest.mark.django_db
def test_ten_good_files_are_stored_privately_and_photos_lose_exif(
    partner_client, manager, private_dir, settings
):
    files = [upload("camera.jpg", jpeg_bytes(size=(3000, 1500), exif=True))]
    files += [upload("scan.pdf", pdf_bytes()), upload("offer.docx", _docx_bytes())]
    files += [upload(f"pic{n}.png", png_bytes()) for n in range(7)]

    response = _post(partner_client, files)

    assert response.status_code == 302
    attachments = list(Attachment.objects.order_by("pk"))
    assert [a.name for a in attachments] == [
        "camera.jpg",
        "scan.pdf",
        "offer.docx",
        *[f"pic{n}.jpg" for n in range(7)],
    ]
    # Every file and thumbnail is under the private folder, none under MEDIA_ROOT.
    assert len(stored_files(private_dir)) == 10 + 8
    assert not str(private_dir).startswith(str(settings.MEDIA_ROOT))
    photo = attachments[0]
    with Image.open(photo.file.path) as image:
        assert image.format == "JPEG"
        assert max(image.size) == 2000
        assert dict(image.getexif()) == {}
    with open(photo.file.path, "rb") as stored:
        assert b"SecretCam" not in stored.read()
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) == 320
    with pytest.raises(ValueError, match="no URL"):
        photo.file.url  # noqa: B018


@pytest.mark.django_db
def test_a_photo_is_served_only_through_the_checked_view(partner_client, manager, private_dir):
    _post(partner_client, [upload("camera.jpg", jpeg_bytes()), upload("scan.pdf", pdf_bytes())])
    photo, scan = Attachment.objects.order_by("pk")

    image = partner_client.get(reverse("conversations:attachment", args=[photo.pk]))
    thumb = partner_client.get(reverse("conversations:thumbnail", args=[photo.pk]))
    document = partner_client.get(reverse("conversations:attachment", args=[scan.pk]))

    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert thumb["Content-Type"] == "image/jpeg"
    assert document["Content-Disposition"].startswith("attachment;")
    assert b"".join(document.streaming_content) == pdf_bytes()
    assert reverse("conversations:thumbnail", args=[scan.pk])
    assert partner_client.get(reverse("conversations:thumbnail", args=[scan.pk])).status_code == 404
