"""run.py's lab-hall parts: root handling, the lab-only install and its stamp, the style switches,
and the suite's JupyterLab settings. (The lab itself starting: tests/test_first_five_minutes.py.)"""

from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def run():
    spec = importlib.util.spec_from_file_location("gmm_teach_run_kit", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("euid", [0, 1000])
def test_lab_passes_allow_root_only_as_root(run, monkeypatch, capsys, euid):
    monkeypatch.setattr(run.os, "geteuid", lambda: euid, raising=False)
    command = run.lab_command(["--no-browser"])
    assert ("--allow-root" in command) == (euid == 0)
    assert command[-1] == "--no-browser" and run.INDEX in command
    run.say_root()
    printed = capsys.readouterr().out
    assert ("--allow-root" in printed) == (euid == 0)
    assert printed.count("\n") == (1 if euid == 0 else 0)


def test_lab_uses_the_suites_settings(run):
    command = run.lab_command([])
    assert f"--LabApp.app_settings_dir={run.LAB_SETTINGS}" in command
    overrides = json.loads((run.LAB_SETTINGS / "overrides.json").read_text())
    news = overrides["@jupyterlab/apputils-extension:notification"]
    assert news["fetchNews"] == "false" and news["checkForUpdates"] is False


def test_style_flags_become_environment_variables_not_jupyter_arguments(run):
    rest = ["--presenter", "--dark", "--port=9999"]
    assert not {"--presenter", "--dark"} & set(run.lab_command(rest))
    env = run.style_environment(rest, {"PATH": "/bin"})
    assert env == {"PATH": "/bin", "GMM_TEACH_PRESENTER": "1", "GMM_TEACH_STYLE": "dark"}
    assert run.style_environment(["--port=1"], {}) == {}


def test_the_lab_extra_holds_what_the_notebooks_need_and_no_test_tool():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    lab = {name.split(">")[0].split("=")[0] for name in extras["lab"]}
    test = {name.split(">")[0].split("=")[0] for name in extras["test"]}
    assert {"jupyterlab", "voila"} <= lab
    assert not lab & {"pytest", "playwright", "hypothesis", "ruff", "nbgrader", "nbval"}
    assert lab <= test, "run.py test must install everything the lab has"


def _fake_venv(run, monkeypatch, tmp_path, stamp: str | None):
    python = tmp_path / "python"
    python.write_text("")
    monkeypatch.setattr(run, "PYTHON", python)
    monkeypatch.setattr(run, "STAMP", tmp_path / "stamp")
    if stamp is not None:
        run.STAMP.write_text(stamp)
    installs = []
    monkeypatch.setattr(run.subprocess, "run", lambda args, **kw: installs.append(args))
    monkeypatch.setattr(run, "switch_off_grading_extensions", lambda: None)
    return installs


@pytest.mark.parametrize(("stamp", "command", "installs_extra"), [
    (None, "lab", "lab"),
    (None, "test", "test"),
    ("{h} lab", "lab", None),
    ("{h} lab", "test", "test"),  # switching from lab to test installs the test tools
    ("{h} test", "lab", None),
    ("{h}", "lab", None),  # a stamp from before the lab extra: a test install
    ("{h}", "test", None),
    ("0ld {h}", "lab", "lab"),  # requirements changed
])
def test_the_stamp_installs_only_what_is_missing(run, monkeypatch, tmp_path, stamp, command,
                                                 installs_extra):
    digest = run._requirements_hash()
    installs = _fake_venv(run, monkeypatch, tmp_path,
                          None if stamp is None else stamp.format(h=digest))
    run.ensure_environment(command)
    if installs_extra is None:
        assert installs == []
    else:
        assert installs and installs[-1][-1] == f".[{installs_extra}]"
        assert run.STAMP.read_text() == f"{digest} {installs_extra}"


def test_a_bad_extra_is_a_value_error(run):
    with pytest.raises(ValueError, match="extra"):
        run.ensure_environment("docs")
