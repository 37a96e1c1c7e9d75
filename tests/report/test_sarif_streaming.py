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

import linter.report.sarif as module
from linter.model import Origin, Position
from linter.report.sarif import SERIALIZER, build_log, render, write, write_log
from linter.report.writing import WriteOptions
from linter.results import Outcome, RelatedLocation, Result, RunReport
from linter.rules import builtin_pack_dir, load_rules
from tests.helpers import make

COUNT = 40


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
    real = module.to_sarif
    monkeypatch.setattr(module, "to_sarif", lambda *args: made.append(1) or real(*args))

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
