import base64
import json

import pytest
from django.test import Client

from xapi.services import bulk
from xapi.services import statements as statement_services
from xapi.services.credentials import create_credential

BASE = "/xapi"


class XapiClient:
    """Django test client that speaks xAPI: version header and Basic credentials on every call."""

    def __init__(self, key: str, secret: str, version: str = "2.0.0"):
        self.client = Client()
        self.version = version
        self.auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"X-Experience-API-Version": self.version, "Authorization": self.auth}
        headers.update(extra or {})
        return {key: value for key, value in headers.items() if value is not None}

    def get(self, path: str, params: dict | None = None, **headers):
        return self.client.get(BASE + path, params or {}, headers=self.headers(headers))

    def head(self, path: str, params: dict | None = None, **headers):
        return self.client.head(BASE + path, params or {}, headers=self.headers(headers))

    def _send(self, method: str, path: str, body, params: dict | None, content_type: str, headers: dict):
        query = ""
        if params:
            from urllib.parse import urlencode

            query = "?" + urlencode(params)
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return getattr(self.client, method)(
            BASE + path + query, data=data, content_type=content_type, headers=self.headers(headers)
        )

    def post(self, path, body, params=None, content_type="application/json", **headers):
        return self._send("post", path, body, params, content_type, headers)

    def put(self, path, body, params=None, content_type="application/json", **headers):
        return self._send("put", path, body, params, content_type, headers)

    def delete(self, path, params=None, **headers):
        return self._send("delete", path, b"", params, "application/json", headers)


@pytest.fixture
def direct_inserts(monkeypatch):
    """(rows, stored?) of each batch offered to the one-statement insert on PostgreSQL (the real function runs)."""
    calls = []
    real = bulk.insert_new_statements

    def counting(rows, **kwargs):
        inserted = real(rows, **kwargs)
        calls.append((len(rows), inserted is not None))
        return inserted

    monkeypatch.setattr(statement_services, "insert_new_statements", counting)
    return calls


@pytest.fixture
def credential_pair(db):
    credential, secret = create_credential(name="test source", scopes=["all"])
    return credential, secret


@pytest.fixture
def xapi(credential_pair) -> XapiClient:
    credential, secret = credential_pair
    return XapiClient(credential.key, secret)


@pytest.fixture
def xapi_103(credential_pair) -> XapiClient:
    credential, secret = credential_pair
    return XapiClient(credential.key, secret, version="1.0.3")


@pytest.fixture
def client_with_scopes(db):
    def build(*scopes: str, name: str = "scoped", version: str = "2.0.0") -> XapiClient:
        credential, secret = create_credential(name=name, scopes=list(scopes))
        return XapiClient(credential.key, secret, version=version)

    return build
