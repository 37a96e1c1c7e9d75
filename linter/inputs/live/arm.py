"""Resource Manager list calls for what Resource Graph does not index, with bounded concurrency.

Calls go through the Resource Graph client's own pipeline (same credential, endpoint and user agent). A
parent whose list call is refused (403) or keeps failing is recorded with the reason and the permission
that is missing; rules that need those children become UNKNOWN for that parent only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote, urlsplit

from linter.inputs.live.children import ChildList
from linter.inputs.live.http import Pacer, RequestFailed, call
from linter.inputs.live.progress import Progress
from linter.records import field, record

CONCURRENCY = 8
MAX_LIST_PAGES = 1000
SUBSCRIPTIONS_API = "2022-12-01"


@record
class ListOutcome:
    rows: list[dict[str, Any]] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # parent id -> reason


class ArmLister:
    def __init__(self, client: Any, base_url: str, pacer: Pacer, progress: Progress, insecure: bool) -> None:
        self.client = client
        self.base = base_url.rstrip("/")
        self.pacer = pacer
        self.progress = progress
        self.insecure = insecure

    def list_children(self, child: ChildList, parent_ids: Iterable[str]) -> ListOutcome:
        outcome = ListOutcome()
        parents = sorted(set(parent_ids), key=str.lower)
        if not parents:
            return outcome
        self.progress.say(f"listing {child.display_type} of {len(parents)} parent(s)")
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            for parent, result in zip(parents, pool.map(lambda p: self._list_one(child, p), parents), strict=True):
                if isinstance(result, str):
                    outcome.failed[parent] = result
                else:
                    outcome.rows.extend(result)
        return outcome

    def _list_one(self, child: ChildList, parent: str) -> list[dict[str, Any]] | str:
        path = f"{quote(parent, safe='/')}/{child.collection}"
        try:
            return self.get_all(path, child.api_version, f"{child.display_type} of {parent}")
        except RequestFailed as exc:
            if exc.status == 401:
                raise
            # the reason is shared by every parent it happens to (the result it explains names the parent)
            if exc.status == 403:
                return (f"listing {child.display_type} was refused (403); the identity needs {child.permission} "
                        "(the Reader role has it)")
            return f"listing {child.display_type} failed: {exc.reason}"

    def subscriptions(self) -> list[str]:
        rows = self.get_all("/subscriptions", SUBSCRIPTIONS_API, "subscriptions")
        return [r["subscriptionId"] for r in rows if isinstance(r.get("subscriptionId"), str)
                and str(r.get("state", "Enabled")).lower() not in ("disabled", "deleted")]

    def get_all(self, path: str, api_version: str, what: str) -> list[dict[str, Any]]:
        """Every item of a Resource Manager collection, following nextLink on the same host only."""
        url: str | None = f"{self.base}{path}?api-version={api_version}"
        items: list[dict[str, Any]] = []
        for _page in range(MAX_LIST_PAGES):
            assert url is not None
            body = call(self.pacer, lambda u=url: self._get(u), what)
            value = body.get("value") if isinstance(body, dict) else None
            if not isinstance(value, list):
                raise RequestFailed("the response has no `value` list")
            items.extend(v for v in value if isinstance(v, dict))
            url = body.get("nextLink") if isinstance(body.get("nextLink"), str) else None
            if not url:
                return items
            here, there = urlsplit(self.base), urlsplit(url)
            if (there.scheme, there.netloc.lower()) != (here.scheme, here.netloc.lower()):
                raise RequestFailed("the service sent a next-page link to another host or scheme; not followed "
                                    "(the access token goes to the audited endpoint only)")
        raise RequestFailed(f"more than {MAX_LIST_PAGES} pages")

    def _get(self, url: str) -> Any:
        from azure.core.exceptions import DecodeError, HttpResponseError, map_error
        from azure.core.rest import HttpRequest

        response = self.client._send_request(HttpRequest("GET", url), enforce_https=not self.insecure)
        self.pacer.observe(response.headers)
        if response.status_code != 200:
            from azure.core.exceptions import ClientAuthenticationError
            from azure.mgmt.core.exceptions import ARMErrorFormat

            map_error(response.status_code, response, {401: ClientAuthenticationError})
            raise HttpResponseError(response=response, error_format=ARMErrorFormat)
        try:
            return json.loads(response.text())
        except ValueError as exc:
            raise DecodeError(f"JSON is invalid: {exc}", response=response) from None
