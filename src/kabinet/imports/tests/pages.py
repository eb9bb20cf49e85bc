"""Driving the quick-order pages like a browser: upload, confirm the proposed columns, apply."""

from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile

from kabinet.imports.models import ImportJob


class _FormValues(HTMLParser):
    """The values a browser would submit from the form marked data-testid=`testid`."""

    def __init__(self, testid: str):
        super().__init__()
        self.testid, self.inside, self.select, self.values = testid, False, None, {}
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("data-testid") == self.testid:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") != "file":
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.values[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self.select, self.first_option = attrs["name"], None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
                self.values.setdefault(self.select, self.first_option)
            if "selected" in attrs:
                self.values[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        if tag == "form":
            self.inside = False


def form_values(response, testid: str) -> dict[str, str]:
    parser = _FormValues(testid)
    parser.feed(response.content.decode())
    return parser.values


def upload(client, content: bytes, name: str):
    return client.post("/quick-order/", {"file": SimpleUploadedFile(name, content)})


def upload_and_confirm(client, content: bytes, name: str, **changes) -> ImportJob:
    """Upload a file and confirm the columns as proposed (with `changes`, e.g. column_name="")."""
    response = upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.order_by("-pk").first()
    if job.status == ImportJob.Status.UPLOADED:
        page = client.get(response["Location"])
        values = {**form_values(page, "mapping-form"), **changes}
        response = client.post(response["Location"], values)
        assert response.status_code == 302, response.content.decode()[:3000]
    job.refresh_from_db()
    return job
