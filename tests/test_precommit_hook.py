"""The pre-commit hook, run by the real pre-commit against this checkout (`pre-commit try-repo`)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from linter.rules import builtin_pack_dir, load_rules
from tests.conftest import FIXTURES, REPO

pytestmark = pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None, reason="pre-commit not installed")


def pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def project(tmp_path: Path, fixture: str) -> Path:
    shutil.copytree(FIXTURES / "rules" / "DR201" / fixture, tmp_path / "infra")
    (tmp_path / "infra" / "expect.yaml").unlink()
    # Only the storage rule: the fixture is a single-region template that other rules rightly fail.
    rules, _ = load_rules([builtin_pack_dir()], builtin=True, validate_schema=False)
    others = sorted(r.id for r in rules if r.id != "DR201")
    (tmp_path / "drlint.yaml").write_text("rules:\n" + "".join(f"  {rule}: off\n" for rule in others))
    git = ["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "estate"], cwd=tmp_path, check=True)
    return tmp_path


def test_manifest_is_valid(home):
    run = pre_commit("validate-manifest", str(REPO / ".pre-commit-hooks.yaml"), cwd=REPO, home=home)
    assert run.returncode == 0, run.stdout + run.stderr


def test_hook_fails_on_a_finding_and_names_it(tmp_path, home):
    run = pre_commit("try-repo", str(REPO), "drlint", "--all-files", cwd=project(tmp_path, "arm-fail"), home=home)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "DR201" in run.stdout and "main.json:" in run.stdout


def test_hook_passes_on_a_clean_estate(tmp_path, home):
    run = pre_commit("try-repo", str(REPO), "drlint", "--all-files", cwd=project(tmp_path, "arm-pass-default-param"),
                     home=home)
    assert run.returncode == 0, run.stdout + run.stderr
