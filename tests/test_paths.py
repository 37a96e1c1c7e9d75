from __future__ import annotations

import pytest

from linter.model import MISSING, Unknown
from linter.paths import WILDCARD, PathError, _steps_from_jsonpath, compile_path, resolve

SIMPLE_PATHS = ["sku.name", "properties.storageAccount", "zones[0]", "a.b[*].c", "properties.metadata.ResourceId",
                "x[12].y_z", "tags"]


@pytest.mark.parametrize("text", SIMPLE_PATHS)
def test_fast_path_parse_equals_jsonpath_ng(text):
    assert compile_path(text).steps == _steps_from_jsonpath(text)


def test_quoted_names_go_through_jsonpath_ng():
    assert compile_path('tags."hidden-link"').steps == ("tags", "hidden-link")


@pytest.mark.parametrize("text", ["a..b", "$..x", "a[?(@.b)]", "a[1,2]"])
def test_unsupported_paths_are_rejected(text):
    with pytest.raises(PathError):
        compile_path(text)


def test_resolve_is_case_insensitive_and_knows_missing_and_unknown():
    data = {"Properties": {"StorageAccount": "id", "list": [{"v": 1}, {"v": 2}, {}], "u": Unknown("why")}}
    assert resolve(data, compile_path("properties.storageaccount")) == "id"
    assert resolve(data, compile_path("properties.absent")) is MISSING
    assert resolve(data, compile_path("properties.list[1].v")) == 2
    assert resolve(data, compile_path("properties.list[9].v")) is MISSING
    assert resolve(data, compile_path("properties.list[*].v")) == [1, 2]
    assert isinstance(resolve(data, compile_path("properties.u.deeper")), Unknown)
    assert compile_path("a[*].b").steps == ("a", WILDCARD, "b")
