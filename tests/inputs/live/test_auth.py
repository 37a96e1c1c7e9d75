"""Clouds, endpoints and the `token` credential (no network)."""

from __future__ import annotations

import base64
import json
import time

import pytest

from linter.inputs.live.auth import CLOUDS, EndpointError, SignInError, StaticToken, make_credential, resolve_endpoint


def jwt(claims: dict) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.signature"


def test_each_cloud_has_its_endpoint_and_audience():
    assert resolve_endpoint(CLOUDS["AzureUSGovernment"], None) == ("https://management.usgovcloudapi.net", False)
    assert CLOUDS["AzureUSGovernment"].scope == "https://management.core.usgovcloudapi.net/.default"
    assert resolve_endpoint(CLOUDS["AzureChinaCloud"], None)[0] == "https://management.chinacloudapi.cn"


@pytest.mark.parametrize(("endpoint", "expected"), [
    ("https://arm.contoso.example/", ("https://arm.contoso.example", False)),
    ("http://127.0.0.1:8080", ("http://127.0.0.1:8080", True)),
    ("http://localhost:1", ("http://localhost:1", True)),
])
def test_endpoints_accepted(endpoint, expected):
    assert resolve_endpoint(CLOUDS["AzureCloud"], endpoint) == expected


@pytest.mark.parametrize("endpoint", ["http://10.0.0.1", "ftp://x", "https://", "management.azure.com",
                                      "https://x/?a=1"])
def test_endpoints_refused(endpoint):
    with pytest.raises(EndpointError):
        resolve_endpoint(CLOUDS["AzureCloud"], endpoint)


def test_a_token_from_the_environment(monkeypatch):
    expiry = int(time.time()) + 600
    monkeypatch.setenv("DRLINT_ACCESS_TOKEN", "Bearer " + jwt({"exp": expiry}))
    credential = make_credential("token", CLOUDS["AzureCloud"])
    assert isinstance(credential, StaticToken)
    assert credential.get_token("https://management.azure.com/.default").expires_on == expiry


@pytest.mark.parametrize(("value", "says"), [
    ("", "empty"), ("two words", "spaces"), (jwt({"exp": 1_000_000}), "expired")])
def test_an_unusable_token_is_one_sentence(monkeypatch, value, says):
    monkeypatch.setenv("DRLINT_ACCESS_TOKEN", value)
    with pytest.raises(SignInError, match=says) as caught:
        make_credential("token", CLOUDS["AzureCloud"])
    assert "\n" not in str(caught.value) and value.split(".")[-1] not in str(caught.value).split()
