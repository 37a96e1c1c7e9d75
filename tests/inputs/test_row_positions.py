"""Positions inside the rows of a large export: found in each row's own text (by searching for a key, never by
stepping over the file), the same as a search of the whole text would find, and still found once the
document's text is released and rows are read again from the file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.inputs import jsondoc
from linter.inputs.jsondoc import LazyRows, parse_json, read_json

# Keys that collide when lower-cased, keys that need escapes, a key that is also written inside strings.
KEYS = ["type", "Type", "TYPE", "id", "properties", "sku", "name", "a.b", "x-y", 'k"q', "back\\slash", "é", "",
        "t\u212ape"]  # the Kelvin sign lower-cases to `k`
TEXTS = st.sampled_from(['"type": 1', "{[", "]}", "x", '\\"type\\":', "é", "line\nbreak", ""])
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | TEXTS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=12)
ROWS = st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6), min_size=1, max_size=4)
STEPS = st.sampled_from([k.lower() for k in KEYS] + [0, 1, 2])


def _export(rows: list, indent: int | None, ascii_only: bool) -> str:
    return json.dumps({"count": len(rows), "data": rows}, indent=indent, ensure_ascii=ascii_only)


def _paths(rows: list, steps: list) -> list[tuple]:
    """Paths into every row: the row itself, and `steps` followed as far as they go (then one step more)."""
    return [("data", index, *steps[:cut]) for index in range(len(rows)) for cut in range(len(steps) + 1)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, steps=st.lists(STEPS, max_size=4), indent=st.sampled_from([None, 1, 2]),
       ascii_only=st.booleans())
def test_a_row_position_is_the_one_a_search_of_the_whole_text_finds(rows, steps, indent, ascii_only):
    text = _export(rows, indent, ascii_only)
    whole, lazy = parse_json(text, "x.json"), parse_json(text, "x.json", lazy_rows_above=0)
    assert isinstance(lazy.data["data"], LazyRows)
    for path in _paths(rows, steps):
        assert lazy.position(path) == whole.position(path), path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ROWS, steps=st.lists(STEPS, max_size=3), indent=st.sampled_from([None, 2]), bom=st.booleans())
def test_positions_and_rows_are_the_same_once_the_text_is_released(rows, steps, indent, bom):
    text = _export(rows, indent, ascii_only=True)
    whole = parse_json(text, "x.json")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.json"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
        document = _read_lazily(path)
        assert document.release_text() and document.text is None
        for at in _paths(rows, steps):
            assert document.position(at) == whole.position(at), at
        assert list(document.data["data"]) == whole.data["data"]
        assert document.position(("count",)) == whole.position(("count",))  # outside the rows: read again


def _read_lazily(path: Path):
    threshold = jsondoc.LAZY_ROWS_ABOVE
    jsondoc.LAZY_ROWS_ABOVE = 0
    try:
        return read_json(path, "x.json", lazy_rows=True)
    finally:
        jsondoc.LAZY_ROWS_ABOVE = threshold


def _storage(index: int) -> dict:
    return {"id": f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st{index}",
            "name": f"st{index}", "type": "Microsoft.Storage/storageAccounts", "identity": {"type": "None"},
            "properties": {"minimumTlsVersion": "TLS1_2", "note": '"type": "x"', "nested": {"type": 1}},
            "sku": {"name": "Standard_LRS"}}


def test_a_finding_reads_its_own_row_and_nothing_else(tmp_path, monkeypatch):
    """The work for positions is one row's text per finding: no index of the whole text, no step outside
    the row, whatever order findings come in."""
    rows = [_storage(i) for i in range(300)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": rows}, indent=2))
    document = _read_lazily(path)
    lazy: LazyRows = document.data["data"]
    assert document.release_text()
    read: list[int] = []
    original = jsondoc.FileText.read

    def counting(self, start, end):
        read.append(end - start)
        return original(self, start, end)

    class NoWholeTextIndex:
        def __init__(self, *args):
            raise AssertionError("a row position searched the whole text")

    monkeypatch.setattr(jsondoc.FileText, "read", counting)
    monkeypatch.setattr(jsondoc, "PositionIndex", NoWholeTextIndex)
    lines = path.read_text().splitlines()
    for index in reversed(range(0, 300, 3)):
        type_at = document.position(("data", index, "type"))
        assert lines[type_at.line - 1].strip() == '"type": "Microsoft.Storage/storageAccounts",'
        assert type_at.column == lines[type_at.line - 1].index('"type"') + 1
        absent = document.position(("data", index, "properties", "type"))  # only inside a string and deeper
        assert lines[absent.line - 1].strip() == '"properties": {'
    assert sorted(read) == sorted(lazy.ends[i] - lazy.offsets[i] for i in range(0, 300, 3) for _ in range(2))


def test_a_document_that_is_not_ascii_keeps_its_text_and_its_positions(tmp_path):
    rows = [_storage(i) for i in range(20)]
    rows[5]["tags"] = {"city": "Zürich"}
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": rows}, indent=2, ensure_ascii=False), encoding="utf-8")
    document, whole = _read_lazily(path), parse_json(path.read_bytes(), "x.json")
    assert not document.release_text() and document.text is not None
    for index in range(20):
        for at in (("data", index, "sku", "name"), ("data", index, "tags", "city")):
            assert document.position(at) == whole.position(at)


def test_a_file_changed_after_it_was_read_gives_rows_where_they_were_and_no_wrong_values(tmp_path):
    rows = [_storage(i) for i in range(20)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": rows}, indent=2))
    document, whole = _read_lazily(path), parse_json(path.read_text(), "x.json")
    assert document.release_text()
    path.write_text(json.dumps({"data": rows[::-1]}, indent=2))  # the same size, rows moved
    os.utime(path, ns=(0, 0))
    assert document.position(("data", 7, "sku", "name")) == whole.position(("data", 7))
    with pytest.raises(jsondoc.JsonError):
        document.data["data"].decode(7)


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_an_export_saved_as_utf16_keeps_its_text_and_its_positions(tmp_path, codec):
    """Windows PowerShell's `>` writes UTF-16: its characters are not its bytes, so the text is kept."""
    rows = [_storage(i) for i in range(20)]
    text = json.dumps({"data": rows}, indent=2)
    path = tmp_path / "export.json"
    path.write_bytes(text.encode(codec))  # with a byte order mark
    document, whole = _read_lazily(path), parse_json(text, "x.json")
    assert isinstance(document.data["data"], LazyRows)
    assert not document.release_text() and document.text is not None
    for index in range(20):
        at = ("data", index, "sku", "name")
        assert document.position(at) == whole.position(at)


def test_rows_are_decoded_from_the_file_in_bounded_stretches_once_released(tmp_path, monkeypatch):
    rows = [_storage(i) for i in range(200)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": rows}, indent=2))
    document = _read_lazily(path)
    lazy: LazyRows = document.data["data"]
    assert document.release_text()
    read: list[int] = []
    original = jsondoc.FileText.read

    def counting(self, start, end):
        read.append(end - start)
        return original(self, start, end)

    monkeypatch.setattr(jsondoc.FileText, "read", counting)
    monkeypatch.setattr(LazyRows, "SPAN", 5000)  # a few rows' worth
    wanted = list(range(0, 200, 7))
    assert dict(lazy.decode_many(wanted)) == {i: rows[i] for i in wanted}
    assert max(read) <= 5000 + max(lazy.ends[i] - lazy.offsets[i] for i in wanted)
    assert sum(read) <= path.stat().st_size
    read.clear()
    unordered = [150, 3, 99, 4, 180, 0]
    assert list(lazy.decode_many(unordered)) == [(i, rows[i]) for i in unordered]


def test_released_exports_never_hold_more_than_a_few_descriptors(tmp_path, monkeypatch):
    monkeypatch.setattr(jsondoc.FileText, "OPEN_FILES", 3)
    documents, expected = [], []
    for number in range(8):
        rows = [_storage(number * 10 + i) for i in range(10)]
        path = tmp_path / f"export{number}.json"
        path.write_text(json.dumps({"data": rows}, indent=2))
        document = _read_lazily(path)
        assert document.release_text()
        documents.append(document)
        expected.append(rows)
    for _ in range(2):  # every file read again, in turn: each opened again when its turn comes
        for document, rows in zip(documents, expected, strict=True):
            assert document.data["data"].decode(9) == rows[9]
            assert len(jsondoc._OPEN) <= 3


def test_two_row_arrays_spelled_alike_are_both_released_and_located(tmp_path):
    """`{"Data": [...], "data": [...]}`: which array a path means is left to the whole-text search."""
    first, second = [_storage(i) for i in range(3)], [_storage(i) for i in range(3, 9)]
    text = '{"Data": ' + json.dumps(first, indent=2) + ', "data": ' + json.dumps(second, indent=2) + "}"
    path = tmp_path / "export.json"
    path.write_text(text)
    document, whole = _read_lazily(path), parse_json(text, "x.json")
    assert document.release_text()
    arrays = (document.data["Data"], document.data["data"])
    assert all(rows.text is None for rows in arrays)  # neither keeps the text alive
    assert [list(rows) for rows in arrays] == [first, second]
    for at in (("data", 1, "sku"), ("Data", 2, "name"), ("data", 5, "type")):
        assert document.position(at) == whole.position(at)


def test_rows_of_a_file_changed_before_they_are_decoded_are_reported_not_read(tmp_path):
    from linter.inputs import InputFile, LoadContext
    from linter.inputs.resource_graph import FRONT_END

    rows = [_storage(i) for i in range(5)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": rows}, indent=2))
    document = _read_lazily(path)
    path.write_text(json.dumps({"data": rows[::-1]}, indent=2))
    os.utime(path, ns=(0, 0))
    loaded = FRONT_END.load([InputFile(path, "export.json", "resource-graph", document)], LoadContext(tmp_path))
    assert loaded.resources == []
    assert len(loaded.diagnostics) == 5
    assert all(d.severity == "error" and d.position.line > 1 for d in loaded.diagnostics)


def test_a_row_nested_too_deeply_in_a_released_export_is_reported_and_the_others_load(tmp_path):
    from linter.inputs import InputFile, LoadContext
    from linter.inputs.resource_graph import FRONT_END

    deep: dict = {}
    cursor = deep
    for _ in range(jsondoc.MAX_DEPTH + 5):
        cursor["x"] = {}
        cursor = cursor["x"]
    rows = [_storage(0), {**_storage(1), "properties": deep}, _storage(2)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": rows}))
    document = _read_lazily(path)
    loaded = FRONT_END.load([InputFile(path, "export.json", "resource-graph", document)], LoadContext(tmp_path))
    assert document.text is None  # released, and the rows were decoded from the file
    assert [r.name for r in loaded.resources] == ["st0", "st2"]
    assert len(loaded.diagnostics) == 1 and loaded.diagnostics[0].severity == "error"


def test_a_file_changed_while_it_is_read_is_not_read_again_at_its_old_offsets(tmp_path, monkeypatch):
    # The file's identity is the one taken when it was opened: a change during the read (here, right after
    # its first chunk) is seen later as a change, so no row is decoded from the new bytes at the old offsets.
    from linter import filesafe

    rows = [_storage(i) for i in range(10, 30)]  # rows of one length: moved, each is where another was
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": rows}, indent=2))
    real_read, changed = filesafe.os.read, []

    def read_then_change(fd, count):
        chunk = real_read(fd, count)
        if not changed:
            changed.append(True)
            path.write_text(json.dumps({"data": rows[::-1]}, indent=2))  # the same size, rows moved
            os.utime(path, ns=(10**18, 10**18))
        return chunk

    monkeypatch.setattr(filesafe.os, "read", read_then_change)
    document = _read_lazily(path)
    monkeypatch.setattr(filesafe.os, "read", real_read)
    assert changed and document.release_text()
    with pytest.raises(jsondoc.JsonError):
        document.data["data"].decode(7)


def _counting_reads(monkeypatch) -> list[int]:
    read: list[int] = []
    original = jsondoc.FileText.read

    def counting(self, start, end):
        read.append(end - start)
        return original(self, start, end)

    monkeypatch.setattr(jsondoc.FileText, "read", counting)
    return read


def test_findings_close_together_in_row_order_read_their_rows_in_a_few_bounded_stretches(tmp_path, monkeypatch):
    """A rule's findings come in row order: dense ones share reads of the rows ahead (never more than WINDOW
    characters at once), sparse ones read their own row alone, and every position is the one found with the
    text kept."""
    rows = [_storage(i) for i in range(400)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": rows}, indent=2))
    kept = _read_lazily(path)
    document = _read_lazily(path)
    lazy: LazyRows = document.data["data"]
    assert document.release_text()
    monkeypatch.setattr(LazyRows, "WINDOW", 8000)  # about twenty rows
    read = _counting_reads(monkeypatch)
    dense = [("data", i, *steps) for steps in (("sku", "name"), ("properties", "minimumtlsversion"), ("type",))
             for i in range(0, 400, 2)]
    for path_key in dense:
        assert document.position(path_key) == kept.position(path_key)
    assert len(read) <= len(dense) / 5
    assert max(read) <= 8000 + max(lazy.ends[i] - lazy.offsets[i] for i in range(400))
    read.clear()
    sparse = [("data", i, "sku", "name") for i in range(1, 400, 50)]
    for path_key in sparse:
        assert document.position(path_key) == kept.position(path_key)
    assert sorted(read) == sorted(lazy.ends[i] - lazy.offsets[i] for i in range(1, 400, 50))


def test_rows_read_ahead_are_held_for_one_export_at_a_time(tmp_path):
    documents = []
    for number in range(2):
        path = tmp_path / f"export{number}.json"
        path.write_text(json.dumps({"data": [_storage(number * 100 + i) for i in range(100)]}, indent=2))
        document = _read_lazily(path)
        assert document.release_text()
        documents.append(document)
    first, second = (d.data["data"] for d in documents)
    for index in range(0, 10):
        documents[0].position(("data", index, "sku"))
    assert first._window is not None
    for index in range(0, 10):
        documents[1].position(("data", index, "sku"))
    assert second._window is not None and first._window is None


def test_positions_outside_the_rows_of_a_released_export_read_the_file_once(tmp_path, monkeypatch):
    # Row arrays spelled alike (`Data`, `data`) are not row positions: after the text is released, such
    # positions read the file again, once for all of them, not once each (which made a scan quadratic).
    rows = [_storage(i) for i in range(40)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"Data": rows[:20], "data": rows[20:]}, indent=2))
    document, whole = _read_lazily(path), parse_json(path.read_text(), "x.json")
    assert document.release_text()
    reads: list[int] = []
    original = jsondoc.FileText.read_all

    def counting(self):
        reads.append(1)
        return original(self)

    monkeypatch.setattr(jsondoc.FileText, "read_all", counting)
    for index in range(20):
        for array in ("Data", "data"):
            at = (array, index, "sku", "name")
            assert document.position(at) == whole.position(at)
    assert len(reads) == 1


def test_unread_rows_that_cannot_be_read_again_are_reported(tmp_path):
    # A row of a type no rule selects is read only when a rule follows an id to it. If the file changed by
    # then, the rule sees it as absent: the run must say so (an error), not let "not in the estate" stand.
    from linter.inputs import InputFile, LoadContext
    from linter.inputs.resource_graph import FRONT_END
    from linter.model import Estate

    rows = [_storage(i) for i in range(20)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"data": rows}, indent=2))
    document = _read_lazily(path)
    context = LoadContext(tmp_path, types_read=frozenset({"microsoft.keyvault/vaults"}))
    loaded = FRONT_END.load([InputFile(path, "export.json", "resource-graph", document)], context)
    assert loaded.resources == [] and loaded.unread and not loaded.diagnostics
    path.write_text(json.dumps({"data": rows[::-1]}, indent=2))
    os.utime(path, ns=(0, 0))
    estate = Estate(loaded.resources, loaded.unread)
    assert estate.get(rows[3]["id"]) is None
    problems = [p for unread in loaded.unread for p in unread.problems()]
    assert len(problems) == 1 and problems[0].severity == "error" and problems[0].position.line > 1
