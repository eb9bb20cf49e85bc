"""Drive the 1C endpoint through Django's test client the way 1C does."""

import base64
import io
import zipfile

from django.test import Client

URL = "/exchange/1c/"


class OneC:
    def __init__(self, login="1c@supplier.local", password="exchange-secret", kind="catalog"):
        self.client = Client()
        self.kind = kind
        self.auth = "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()
        self.sessid = ""

    def call(self, mode, method="get", body=b"", **params):
        query = {"type": self.kind, "mode": mode, **params}
        if self.sessid:
            query["sessid"] = self.sessid
        url = URL + "?" + "&".join(f"{k}={v}" for k, v in query.items())
        if method == "post":
            response = self.client.post(url, data=body, content_type="application/octet-stream")
        else:
            response = self.client.get(url)
        assert response.status_code == 200
        return response.content.decode("utf-8")

    def checkauth(self):
        response = self.client.get(
            f"{URL}?type={self.kind}&mode=checkauth", HTTP_AUTHORIZATION=self.auth
        )
        lines = response.content.decode().split("\n")
        if lines[0] == "success":
            self.client.cookies[lines[1]] = lines[2]
            self.sessid = lines[3].split("=", 1)[1]
        return lines

    def upload(self, name, data, chunk=None):
        chunk = chunk or len(data) or 1
        for start in range(0, max(len(data), 1), chunk):
            assert (
                self.call("file", "post", data[start : start + chunk], filename=name) == "success"
            )

    def import_until_done(self, name, limit=50):
        for _ in range(limit):
            answer = self.call("import", filename=name)
            if not answer.startswith("progress"):
                return answer
        raise AssertionError(f"{name}: still in progress after {limit} calls")


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()
