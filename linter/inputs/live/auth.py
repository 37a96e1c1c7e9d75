"""Clouds, endpoints and credentials for a live audit; a failed sign-in becomes one sentence, never a traceback.

`azure.identity` is imported here, inside the functions that need it: only `drlint audit` pays for it.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import time
from typing import Any
from urllib.parse import urlsplit

from linter.records import record

TOKEN_VARIABLE = "DRLINT_ACCESS_TOKEN"
AUTH_MODES = ("default", "cli", "managed-identity", "token")


@record(frozen=True)
class Cloud:
    name: str
    resource_manager: str  # Resource Manager and Resource Graph endpoint
    scope: str  # the token audience
    authority: str  # Microsoft Entra ID host


CLOUDS = {
    "AzureCloud": Cloud("AzureCloud", "https://management.azure.com", "https://management.azure.com/.default",
                        "login.microsoftonline.com"),
    "AzureUSGovernment": Cloud("AzureUSGovernment", "https://management.usgovcloudapi.net",
                               "https://management.core.usgovcloudapi.net/.default", "login.microsoftonline.us"),
    "AzureChinaCloud": Cloud("AzureChinaCloud", "https://management.chinacloudapi.cn",
                             "https://management.chinacloudapi.cn/.default", "login.chinacloudapi.cn"),
}


class SignInError(Exception):
    """Signing in failed, or Azure rejected the credential: the message is one sentence with what to do."""


class EndpointError(ValueError):
    """An `--endpoint` drlint will not send a token to."""


def resolve_endpoint(cloud: Cloud, endpoint: str | None) -> tuple[str, bool]:
    """The base URL to call and whether it is plain HTTP on this machine (allowed for local test servers).

    A bearer token is never sent over plain HTTP to another machine.
    """
    if not endpoint:
        return cloud.resource_manager, False
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise EndpointError(f"--endpoint must be an https URL such as {cloud.resource_manager} (got {endpoint!r})")
    if parts.scheme == "http":
        if not _loopback(parts.hostname):
            raise EndpointError("--endpoint uses plain http to another machine; drlint sends access tokens over "
                                "https only (http is accepted for 127.0.0.1 and localhost)")
        return endpoint.rstrip("/"), True
    return endpoint.rstrip("/"), False


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class StaticToken:
    """A bearer token given by the user (e.g. `az account get-access-token --query accessToken -o tsv`)."""

    def __init__(self, token: str) -> None:
        self._token = token
        self._expires_on = _jwt_expiry(token) or int(time.time()) + 3600

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, self._expires_on)

    @property
    def expired(self) -> bool:
        expiry = _jwt_expiry(self._token)
        return expiry is not None and expiry < time.time()


def _jwt_expiry(token: str) -> int | None:
    """The `exp` claim of a JWT, when the token is one (never verified: Azure does that)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None
    exp = payload.get("exp") if isinstance(payload, dict) else None
    return int(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


def quiet_sdk_logs() -> None:
    """The SDK logs each failed credential as a warning, which Python prints when no handler is set; drlint
    says what went wrong itself, in one sentence."""
    import logging

    logger = logging.getLogger("azure")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def make_credential(mode: str, cloud: Cloud) -> Any:
    if mode == "token":
        raw = os.environ.get(TOKEN_VARIABLE, "").strip()
        if raw.lower().startswith("bearer "):
            raw = raw[7:].strip()
        if not raw:
            raise SignInError(f"--auth token reads the access token from {TOKEN_VARIABLE}, which is empty; set it, "
                              "e.g. with: export DRLINT_ACCESS_TOKEN=$(az account get-access-token --query "
                              "accessToken -o tsv)")
        if not raw.isascii() or not raw.isprintable() or " " in raw:
            raise SignInError(f"{TOKEN_VARIABLE} does not hold an access token (it has spaces or control "
                              "characters); set it to the accessToken value alone")
        credential = StaticToken(raw)
        if credential.expired:
            raise SignInError(f"the access token in {TOKEN_VARIABLE} has expired; get a new one (az account "
                              "get-access-token) and run again")
        return credential
    import azure.identity as identity

    if mode == "cli":
        return identity.AzureCliCredential()
    if mode == "managed-identity":
        client_id = os.environ.get("AZURE_CLIENT_ID") or None
        return identity.ManagedIdentityCredential(client_id=client_id)
    return identity.DefaultAzureCredential(authority=cloud.authority)


_HINTS = {
    "default": "sign in with `az login` (or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or run "
               "where a managed identity is available), or pass a token with --auth token",
    "cli": "run `az login` (and `az account set -s <subscription>`), then run drlint again",
    "managed-identity": "run drlint where a managed identity is assigned (set AZURE_CLIENT_ID for a "
                        "user-assigned one), or choose another --auth",
    "token": f"refresh {TOKEN_VARIABLE} (az account get-access-token --query accessToken -o tsv)",
}


def sign_in(credential: Any, mode: str, cloud: Cloud) -> None:
    """Get a token once before any query, so a failed sign-in is reported before any work is done."""
    from azure.core.exceptions import AzureError

    try:
        credential.get_token(cloud.scope)
    except AzureError as exc:
        raise SignInError(f"could not sign in to Azure ({describe_mode(mode)}: {first_line(exc)}); "
                          f"{_HINTS[mode]}") from None
    except Exception as exc:  # credential plug-ins raise what they like; never a traceback
        raise SignInError(f"could not sign in to Azure ({describe_mode(mode)}: {type(exc).__name__}: "
                          f"{first_line(exc)}); {_HINTS[mode]}") from None


def rejected(mode: str, detail: str) -> SignInError:
    """Azure refused the token (401): expired, revoked, or for another tenant or cloud."""
    return SignInError(f"Azure rejected the access token ({detail}); {_HINTS[mode]}")


def describe_mode(mode: str) -> str:
    return {"default": "DefaultAzureCredential", "cli": "Azure CLI", "managed-identity": "managed identity",
            "token": TOKEN_VARIABLE}[mode]


def first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    line = "".join(ch if ch.isprintable() else " " for ch in line)
    return line[:300].rstrip(". ")
