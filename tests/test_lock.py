"""The environment the tests run in is exactly requirements/lock.txt, and the lock covers pyproject.toml.

`make venv` installs the lock (uv pip sync), then assistmed without its dependencies; these tests fail when
someone adds a dependency without `make lock`, or runs the tests in an environment the lock did not make.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.workflow.conftest import HANG_GUARD_S

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def locked() -> dict[str, str]:
    lines = (ROOT / "requirements/lock.txt").read_text(encoding="utf-8").splitlines()
    return {canonicalize_name(m.group(1)): m.group(2) for m in map(PIN.match, lines) if m}


def test_pip_freeze_equals_the_lock():
    freeze = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
        timeout=HANG_GUARD_S,
    ).stdout
    installed = {canonicalize_name(m.group(1)): m.group(2) for m in map(PIN.match, freeze.splitlines()) if m}
    lock = locked()
    differences = {
        name: (installed.get(name, "not installed"), lock.get(name, "not locked"))
        for name in installed.keys() | lock.keys()
        if installed.get(name) != lock.get(name)
    }
    assert not differences, f"installed vs locked (run make venv): {differences}"


def test_every_dependency_of_pyproject_is_locked_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    lock = locked()
    for requirement in map(Requirement, requirements):
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement} is not in requirements/lock.txt: run make lock"
        assert requirement.specifier.contains(lock[name], prereleases=True), (
            f"locked {name}=={lock[name]} is outside {requirement}: run make lock"
        )
