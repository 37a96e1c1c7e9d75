"""The `drlint` entry point ends the process without tearing down what a large scan built, and loses nothing:
the exit code, everything written to standard output and error, and Python's own handling of other exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import FIXTURES, REPO


def entry(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-m", "linter", *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd=REPO)


def test_a_large_report_on_standard_output_is_written_whole_with_the_exit_code():
    run = entry("scan", str(FIXTURES / "rules"), "--format", "json", "--no-config")
    assert len(run.stdout) > 1_000_000  # far more than a pipe holds: all of it was flushed before the exit
    report = json.loads(run.stdout)
    assert report["results"] and run.returncode == 1


def test_success_usage_errors_and_messages_keep_their_exit_codes_and_text():
    clean = entry("scan", str(FIXTURES / "rules" / "DR202" / "rg-pass"), "--no-config")
    assert clean.returncode == 0 and "0 errors" in clean.stdout
    usage = entry("scan", "--format", "nonsense", str(FIXTURES))
    assert usage.returncode == 2 and "nonsense" in usage.stderr
    help_text = entry("--help")
    assert help_text.returncode == 0 and "scan" in help_text.stdout


def test_an_exit_with_a_message_is_left_to_python():
    code = ("import sys\nfrom linter import entry\nimport linter.cli\n"
            "linter.cli.main = lambda **kw: sys.exit('drlint: stopped')\nentry.main()\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 1 and "drlint: stopped" in run.stderr


def test_what_is_registered_to_run_at_exit_still_runs(tmp_path):
    marker = tmp_path / "ran"
    code = ("import atexit, sys\nfrom linter import entry\nimport linter.cli\n"
            f"atexit.register(lambda: open({str(marker)!r}, 'w').write('yes'))\n"
            "linter.cli.main = lambda **kw: sys.exit(1)\nentry.main()\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert run.returncode == 1 and marker.read_text() == "yes"


def test_closed_standard_streams_keep_their_exit_codes(tmp_path):
    # A stream closed before Python starts is None in sys: the entry point's exit must not trip on it.
    estate = FIXTURES / "rules" / "DR202" / "rg-pass"
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE")}
    env["PYTHONPATH"] = str(REPO)
    python = sys.executable
    closed_out = subprocess.run(f"'{python}' -m linter scan '{estate}' --no-config >&-", shell=True,
                                capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert closed_out.returncode == 2 and "Traceback" not in closed_out.stderr
    assert "standard output" in closed_out.stderr
    report = tmp_path / "out.sarif"
    for redirect in (">&-", "2>&-"):
        command = f"'{python}' -m linter scan '{estate}' --no-config --format sarif -o '{report}' {redirect}"
        run = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
        assert run.returncode == 0 and "Traceback" not in run.stderr and json.loads(report.read_text())["runs"]
