from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = REPO / "fixtures"


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory):
    """Runs of drlint in the tests (in-process and child processes) cache into a folder of their own."""
    import os

    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture
def repo() -> Path:
    return REPO


def shared_path(*parts: str) -> Path:
    """A path in ../shared; the test is skipped when the shared folder is not beside the project."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


def drlint_process(*args: object, cwd: Path | None = None, timeout: int = 120, env: dict | None = None):
    """Run `python -m linter.cli` on this checkout's code as a separate process.

    GitHub Actions' variables are not passed on (they change the default output format and annotation paths)
    unless `env` sets them."""
    import os
    import subprocess
    import sys

    inherited = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_WORKSPACE")}
    env = {**inherited, **(env or {}), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "linter.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env=env)
