"""The SARIF log is written as it is made (results a batch at a time), and is still the one document that
serialising the whole log at once gives, byte for byte: to a file, to a pipe, and when it is over GitHub's
size limit and must say so before its results."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linter.report.sarif as module
from linter.config import Config
from linter.model import Origin, Position, Resource, Unknown
from linter.records import replace
from linter.report.sarif import SERIALIZER, build_log, render, write, write_log
from linter.report.writing import WriteOptions
from linter.results import Outcome, RelatedLocation, Result, RunReport
from linter.rules import builtin_pack_dir, load_rules
from linter.scan import ScanOptions, run_scan
from tests.conftest import FIXTURES
from tests.helpers import make

COUNT = 40
FUZZ = settings(max_examples=200, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


class Pipe(io.StringIO):
    """A stream that cannot be rewound, like standard output into a pipe."""

    def seekable(self) -> bool:
        return False

    def seek(self, *args):  # pragma: no cover - must not be called
        raise io.UnsupportedOperation("seek")

    def tell(self):  # pragma: no cover - must not be called
        raise io.UnsupportedOperation("tell")


def noise(seed: int, length: int = 1200) -> str:
    """Text that does not compress well (so a small log can be over a gzipped limit)."""
    chunks, block = [], str(seed).encode()
    while sum(map(len, chunks)) < length:
        block = hashlib.sha512(block).digest()
        chunks.append(base64.b64encode(block).decode())
    return "".join(chunks)[:length]


@pytest.fixture(scope="module")
def report() -> RunReport:
    rules, problems = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    assert not problems
    chosen = [rule for rule in rules if rule.id in ("DR202", "DR302")]
    results = []
    for line in range(1, COUNT + 1):
        rule = chosen[line % 2]
        resource = make("Microsoft.Storage/storageAccounts", f"st{line}", origin=Origin("resource-graph", "e.json"),
                        line=line)
        related = [RelatedLocation(Position("e.json", line + 100, 3), "its vault", resource)] if line == 3 else []
        results.append(Result(rule, Outcome.FAIL, rule.severity, f"st{line} fails \u00e9 [x](y) {noise(line)}",
                              resource, Position("e.json", line, 5), related))
    return RunReport(results=results, diagnostics=[], rules=chosen, files=["e.json"], resource_count=COUNT,
                     seconds=0.0, posture="hot-cold", category="drlint/resource-graph/")


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(module, "RESULTS_PER_PIECE", 3)  # 40 results: 14 batches, the last one short


def whole(report: RunReport) -> str:
    """The log serialised in one piece, as it was before it was streamed."""
    return SERIALIZER.dumps(build_log(report, True))


@pytest.mark.parametrize("stream", [io.StringIO, Pipe], ids=["file", "pipe"])
def test_the_log_written_in_pieces_is_the_whole_log(report, stream):
    out = stream()
    assert write_log(report, out, True) == []
    assert out.getvalue() == whole(report)
    assert len(json.loads(out.getvalue())["runs"][0]["results"]) == COUNT


def test_a_log_without_results_has_an_empty_list(report):
    empty = RunReport(results=[], diagnostics=[], rules=report.rules, files=[], resource_count=0, seconds=0.0,
                      posture="hot-cold")
    text, _ = render(empty, True)
    assert text == whole(empty) and json.loads(text)["runs"][0]["results"] == []


def test_the_file_written_by_the_cli_writer_ends_with_a_newline(report, tmp_path):
    target = tmp_path / "out.sarif"
    with target.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("")  # a writer may be handed a stream that is not at its start
        write(report, handle, WriteOptions(show_unknown=True))
    assert target.read_text(encoding="utf-8") == whole(report) + "\n"


@pytest.mark.parametrize("stream", ["file", "pipe"])
def test_a_log_over_the_limit_is_written_once_with_the_note(report, stream, tmp_path, capsys):
    first = whole(report)
    head = first[:first.index('"results":[') + len('"results":[')]
    # under half the limit until some results are written (then compressed from the start), over it gzipped
    limit = 4 * len(head)
    expected_size = len(gzip.compress(first.encode("ascii"), 6, mtime=0))
    assert len(head) <= limit // 2 < len(first) and expected_size > limit
    if stream == "file":
        target = tmp_path / "big.sarif"
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            warnings = write_log(report, handle, True, max_gzip_bytes=limit)
        text = target.read_text(encoding="utf-8")
    else:
        out = Pipe()
        warnings = write_log(report, out, True, max_gzip_bytes=limit)
        text = out.getvalue()
    assert len(warnings) == 1 and "over GitHub's upload limit" in warnings[0]
    assert text == render(report, True, max_gzip_bytes=limit)[0]
    run = json.loads(text)["runs"][0]  # one document: the first writing is entirely covered
    assert run["properties"]["gzippedBytes"] == expected_size
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "log-too-large"
    assert len(run["results"]) == COUNT


def test_a_log_under_the_limit_is_not_flagged_whatever_its_length(report):
    first = whole(report)
    size = len(gzip.compress(first.encode("ascii"), 6, mtime=0))
    # longer than half the limit, so it is compressed to know; its gzipped size fits exactly
    text, warnings = render(report, True, max_gzip_bytes=size)
    assert (text, warnings) == (first, [])
    text, warnings = render(report, True, max_gzip_bytes=size - 1)
    assert json.loads(text)["runs"][0]["properties"]["gzippedBytes"] == size


def test_gzipped_size_does_not_depend_on_how_the_text_is_cut(report):
    text = whole(report)
    expected = len(gzip.compress(text.encode("ascii"), 6, mtime=0))
    assert {module.gzipped_size(text, chunk) for chunk in (1, 7, 1000, 1 << 20)} == {expected}


def test_results_are_made_as_they_are_written(report, monkeypatch):
    made = []
    real = module.result_text  # asked for every result (which is made from its data when it returns None)
    monkeypatch.setattr(module, "result_text", lambda *args: made.append(1) or real(*args))

    class Watching(io.StringIO):
        def __init__(self) -> None:
            super().__init__()
            self.made_at_write: list[int] = []

        def write(self, text: str) -> int:
            self.made_at_write.append(len(made))
            return super().write(text)

    out = Watching()
    write_log(report, out, True)
    # the log's start before any result is made, then each batch as soon as it is made
    assert out.made_at_write == [0, *range(3, COUNT, 3), COUNT, COUNT]
    assert out.getvalue() == whole(report)


# --- results written without their data ---------------------------------------------------------------------

def _texts_and_dumps(report: RunReport, show_unknown: bool = True) -> list[tuple[str | None, str]]:
    """For every result of the log: the directly made text (None when not made that way) and the data's."""
    from linter.report.sarif import _planned_log
    from linter.report.sarif.results import result_text, to_sarif

    _, found, rule_index, baseline_file = _planned_log(report, show_unknown, 25_000, True)
    return [(result_text(c, rule_index[c.result.rule.id]),
             SERIALIZER.dumps(to_sarif(c, rule_index[c.result.rule.id], baseline_file))) for c in found]


FIXTURE_CASES = sorted({p.parent for p in (FIXTURES / "rules").glob("*/*/*") if p.is_file()}) + [
    FIXTURES / "demo" / form for form in ("bicep", "arm", "resource-graph")] + [FIXTURES / "adoption"]


def test_results_made_directly_are_the_data_s_text_on_every_fixture():
    made = 0
    for case in FIXTURE_CASES:
        report = run_scan(ScanOptions([case]), Config())
        for text, dumped in _texts_and_dumps(report):
            if text is not None:
                made += 1
                assert text == dumped, case
    assert made > 50  # most fixture findings are the common shape


def test_results_with_more_than_the_common_shape_are_made_from_their_data(report):
    from linter.report.sarif.results import result_text

    related = next(r for r in report.results if r.related)
    unknown = replace(report.results[0], outcome=Outcome.UNKNOWN, reason="why")
    baselined = replace(report.results[1], baseline_state="unchanged")
    odd = RunReport(results=[related, unknown, baselined], diagnostics=[], rules=report.rules, files=["e.json"],
                    resource_count=3, seconds=0.0, posture="hot-cold")
    from linter.report.sarif import _planned_log

    _, found, rule_index, _ = _planned_log(odd, True, 25_000, True)
    assert len(found) == 3 and all(result_text(c, rule_index[c.result.rule.id]) is None for c in found)
    assert render(odd, True)[0] == whole(odd)


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@FUZZ
@given(message=TEXT, name=TEXT, type_tail=TEXT, file=TEXT, line=st.integers(-3, 10**6),
       column=st.integers(-3, 500), unknown_id=st.booleans())
def test_results_made_directly_are_the_data_s_text_for_any_strings(message, name, type_tail, file, line, column,
                                                                     unknown_id, report):
    rule = report.results[0].rule
    resource_type = f"Microsoft.Test/{type_tail}"
    resource = make("Microsoft.Storage/storageAccounts", "x", origin=Origin("resource-graph", file or "f"))
    resource = Resource(id=Unknown("deployment-time") if unknown_id else f"/subscriptions/s/{name}",
                        type=resource_type, name=name or Unknown("a name", text=None), origin=resource.origin,
                        anchor=resource.anchor)
    result = Result(rule, Outcome.FAIL, rule.severity, message, resource, Position(file or "f", line, column))
    odd = RunReport(results=[result], diagnostics=[], rules=report.rules, files=[file], resource_count=1,
                    seconds=0.0, posture="hot-cold")
    for text, dumped in _texts_and_dumps(odd):
        assert text is None or text == dumped


def test_runs_of_results_made_from_data_between_direct_ones_keep_their_order(report):
    with_related = {2, 3, 4, 8, 9, COUNT - 1}  # runs of several, one at a batch's end, the last result
    results = [replace(r, related=[RelatedLocation(Position("e.json", 500 + i, 1), f"vault {i}", r.resource)])
               if i in with_related else r for i, r in enumerate(report.results)]
    mixed = replace(report, results=results)
    text, _ = render(mixed, True)
    assert text == whole(mixed)
    found = json.loads(text)["runs"][0]["results"]
    assert [i for i, r in enumerate(found) if "relatedLocations" in r] == sorted(with_related)


@pytest.mark.parametrize("how", ["append mode", "append flag"])
def test_a_log_over_the_limit_appended_to_a_file_is_written_once(report, tmp_path, how):
    import os

    first = whole(report)
    limit = len(gzip.compress(first.encode("ascii"), 6, mtime=0)) - 1  # just over GitHub's limit
    target = tmp_path / "runs.sarif"
    target.write_text("earlier\n", encoding="utf-8")
    if how == "append mode":  # a file opened to append from Python
        with target.open("a", encoding="utf-8", newline="\n") as handle:
            warnings = write_log(report, handle, True, max_gzip_bytes=limit)
    else:  # the shell's `>> runs.sarif`: a descriptor that appends, handed over as a plain writable stream
        with open(os.open(target, os.O_WRONLY | os.O_APPEND), "w", encoding="utf-8", newline="\n") as handle:
            warnings = write_log(report, handle, True, max_gzip_bytes=limit)
    assert len(warnings) == 1
    assert target.read_text(encoding="utf-8") == "earlier\n" + render(report, True, max_gzip_bytes=limit)[0]


class _LevelsUsed:
    """`_GzipSize` that records the compression level of each sizer made."""

    def __init__(self, monkeypatch):
        self.levels: list[int] = []
        real = module._GzipSize

        def make(level: int = 6):
            self.levels.append(level)
            return real(level)

        monkeypatch.setattr(module, "_GzipSize", make)


@pytest.mark.parametrize("stream", [io.StringIO, Pipe], ids=["file", "pipe"])
def test_a_long_log_well_under_the_limit_is_sized_quickly(report, stream, monkeypatch):
    first = whole(report)
    used = _LevelsUsed(monkeypatch)
    # longer than half the limit (so its size must be known), and compressing far below it
    limit = len(first)
    assert len(gzip.compress(first.encode("ascii"), module.QUICK_LEVEL, mtime=0)) < limit * module.ESTIMATE_MARGIN
    out = stream()
    assert write_log(report, out, True, max_gzip_bytes=limit) == []
    assert out.getvalue() == first
    assert used.levels == [module.QUICK_LEVEL]  # never compressed at level 6


@pytest.mark.parametrize("stream", [io.StringIO, Pipe], ids=["file", "pipe"])
@pytest.mark.parametrize("over", [0, 1])
def test_a_log_near_the_limit_is_decided_by_its_exact_gzipped_size(report, stream, over, monkeypatch):
    first = whole(report)
    exact = len(gzip.compress(first.encode("ascii"), 6, mtime=0))
    quick = len(gzip.compress(first.encode("ascii"), module.QUICK_LEVEL, mtime=0))
    limit = exact - over  # fits exactly, or misses by one byte
    assert quick > limit * module.ESTIMATE_MARGIN  # the quick size alone cannot tell
    used = _LevelsUsed(monkeypatch)
    out = stream()
    warnings = write_log(report, out, True, max_gzip_bytes=limit)
    assert 6 in used.levels
    if over:
        assert len(warnings) == 1 and json.loads(out.getvalue())["runs"][0]["properties"]["gzippedBytes"] == exact
    else:
        assert warnings == [] and out.getvalue() == first
