import json

from django.test import Client

from kabinet.api.erp import RESOURCE_NAMES
from kabinet.api.services import api_token_create

ERP = "/api/erp/v1"


def erp_token(name: str = "1C", resources: list[str] | None = None) -> str:
    return api_token_create(name=name, resources=resources or ["*"], known=RESOURCE_NAMES).key


class ErpClient:
    """The test client speaking as an ERP: Bearer token, JSON bodies."""

    def __init__(self, key: str | None):
        self.client = Client()
        self.headers = {"Accept-Language": "en"}
        if key:
            self.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, params: dict | None = None):
        return self.client.get(ERP + path, params or {}, headers=self.headers)

    def post(self, path: str, body=None, **kwargs):
        if "data" in kwargs:  # multipart
            return self.client.post(ERP + path, kwargs["data"], headers=self.headers)
        return self.client.post(
            ERP + path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self.headers,
        )
