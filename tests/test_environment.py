"""One environment, four descriptions: pyproject.toml, constraints.txt, environment.yml, binder/.

conda channels cannot be reached from the test machines, so the conda files are not built
here; they are parsed and compared. A test fails when a dependency is missing, unpinned or
pinned to another version than constraints.txt, when gmm_teach itself is not installed by
them, or when a Python version they name contradicts requires-python or the pinned packages.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
ENV_FILES = {"environment.yml": ROOT / "environment.yml",
             "binder/environment.yml": ROOT / "binder" / "environment.yml"}
POSTBUILD = ROOT / "binder" / "postBuild"
INDEX = "notebooks/00_index.ipynb"


def constraints() -> dict[str, str]:
    """{canonical name: pinned version} from constraints.txt; every line must be name==version."""
    pins = {}
    for number, raw in enumerate((ROOT / "constraints.txt").read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s=;]+)", line)
        assert match, f"constraints.txt:{number}: {raw!r} is not a name==version pin"
        name = canonicalize_name(match.group(1))
        assert name not in pins, f"constraints.txt pins {name} twice"
        pins[name] = match.group(2)
    return pins


PINS = constraints()


def requirements(group: str) -> list[Requirement]:
    """pyproject's requirements: group "runtime" ([project] dependencies) or an extra's name."""
    raw = PROJECT["dependencies"] if group == "runtime" else PROJECT["optional-dependencies"][group]
    return [Requirement(text) for text in raw]


def conda_env(path: Path) -> dict:
    """{"python": the python spec, "conda": other conda specs, "pip": pip lines} of a file."""
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict) and isinstance(data.get("dependencies"), list), (
        f"{path}: not a conda environment file (no dependencies list)")
    python, conda, pip = None, [], []
    for entry in data["dependencies"]:
        if isinstance(entry, dict):
            assert set(entry) == {"pip"}, f"{path}: unexpected section {sorted(entry)}"
            pip.extend(str(line).strip() for line in entry["pip"])
        elif re.match(r"python\b", str(entry)) and not str(entry).startswith("python-"):
            python = str(entry)
        else:
            conda.append(str(entry))
    return {"name": data.get("name"), "channels": data.get("channels", []),
            "python": python, "conda": conda, "pip": pip}


def pip_pins(lines: list[str]) -> dict[str, str]:
    """{canonical name: version} of the name==version lines; anything else must be an option."""
    pins = {}
    for line in lines:
        if line.startswith("-"):
            continue  # -c constraints.txt, -e ., handled by the tests below
        requirement = Requirement(line)
        specs = list(requirement.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", (
            f"{line!r} is not pinned with == (pin it to constraints.txt's version)")
        pins[canonicalize_name(requirement.name)] = specs[0].version
    return pins


def python_series(spec: str) -> str:
    """"3.11" from a conda spec "python=3.11" / "python==3.11" / "python 3.11"."""
    match = re.fullmatch(r"python\s*(?:==?|\s)\s*(\d+\.\d+)(?:\.\*)?", spec.strip())
    assert match, f"pin Python to one minor version, e.g. python=3.11 (got {spec!r})"
    return match.group(1)


def installs_gmm_teach(lines: list[str], base: Path) -> bool:
    """True when one pip line installs the project directory (-e . / . / -e .[extra])."""
    for line in lines:
        target = re.sub(r"^(-e|--editable)\s+", "", line).split("[")[0].strip()
        if target and not target.startswith("-") and (base / target).resolve() == ROOT:
            return True
    return False


# ----------------------------------------------------------------------------- pyproject
def test_every_pyproject_dependency_is_pinned_within_its_range():
    for group in ("runtime", *PROJECT["optional-dependencies"]):
        for requirement in requirements(group):
            name = canonicalize_name(requirement.name)
            assert name in PINS, f"{group} dependency {name} is not pinned in constraints.txt"
            assert requirement.specifier.contains(PINS[name], prereleases=True), (
                f"constraints.txt pins {name}=={PINS[name]}, outside pyproject's "
                f"{requirement} ({group})")


def test_requires_python_admits_only_pythons_the_pins_support():
    """Every Python that requires-python allows must be able to install every pin.

    Checked against the Requires-Python of the pinned distributions installed here (the
    environment these tests run in was installed from constraints.txt).
    """
    requires = SpecifierSet(PROJECT["requires-python"])
    lowest = [Version(spec.version) for spec in requires if spec.operator in (">=", "~=")]
    assert lowest, f"requires-python {requires} has no lower bound"
    oldest = max(lowest)
    oldest = Version(f"{oldest.major}.{oldest.minor}.{oldest.micro}")
    too_new = []
    for name, version in sorted(PINS.items()):
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        needs = dist.metadata.get("Requires-Python")
        if dist.version == version and needs and not SpecifierSet(needs).contains(oldest):
            too_new.append(f"{name}=={version} (Requires-Python {needs})")
    assert not too_new, (
        f"requires-python is {requires}, but on Python {oldest} pip cannot install: "
        + ", ".join(too_new)
        + ". Raise requires-python (and run.py's version check and the README) or pin "
          "older versions.")


# ----------------------------------------------------------------------------- conda files
@pytest.mark.parametrize("label", list(ENV_FILES))
def test_environment_file_pins_equal_constraints(label):
    path = ENV_FILES[label]
    assert path.is_file(), f"{label} is missing"
    env = conda_env(path)
    assert env["name"] == "gmm-teach", f"{label}: name the environment gmm-teach"
    assert env["conda"] == ["pip"], (
        f"{label}: conda should supply only python and pip (everything else comes from PyPI "
        f"at constraints.txt's versions); found {env['conda']}")
    listed = pip_pins(env["pip"])
    groups = ["runtime", "lab"] + (["test"] if label == "environment.yml" else [])
    for group in groups:
        for requirement in requirements(group):
            name = canonicalize_name(requirement.name)
            assert name in listed, f"{label}: {group} dependency {name} is missing"
    wrong = {name: (version, PINS.get(name)) for name, version in listed.items()
             if PINS.get(name) != version}
    assert not wrong, (f"{label}: pins that differ from constraints.txt "
                       f"(listed, constraints.txt): {wrong}")


@pytest.mark.parametrize("label", list(ENV_FILES))
def test_environment_file_python_agrees_with_requires_python(label):
    env = conda_env(ENV_FILES[label])
    assert env["python"], f"{label}: name the Python version (python=3.x)"
    series = python_series(env["python"])
    requires = SpecifierSet(PROJECT["requires-python"])
    newest_patch = f"{series}.99"  # conda resolves python=3.x to the newest 3.x.y
    assert requires.contains(newest_patch), (
        f"{label}: python={series}, but requires-python is {requires}")
    for name, version in PINS.items():
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        needs = dist.metadata.get("Requires-Python")
        if dist.version == version and needs:
            assert SpecifierSet(needs).contains(newest_patch), (
                f"{label}: {name}=={version} needs Python {needs}, not {series}")


def test_both_environment_files_name_the_same_python():
    series = {label: python_series(conda_env(path)["python"])
              for label, path in ENV_FILES.items()}
    assert len(set(series.values())) == 1, f"different Python versions: {series}"


def test_environment_yml_installs_gmm_teach_with_constraints():
    env = conda_env(ENV_FILES["environment.yml"])
    # conda writes the pip lines to a requirements file beside environment.yml and runs pip
    # there, so relative paths are relative to the repository root.
    assert installs_gmm_teach(env["pip"], ROOT), "environment.yml does not install gmm_teach"
    options = [line.split() for line in env["pip"] if line.startswith("-c")]
    assert any(len(opt) == 2 and (ROOT / opt[1]).resolve() == ROOT / "constraints.txt"
               for opt in options), "environment.yml's pip section lacks -c constraints.txt"


def test_binder_installs_gmm_teach_with_constraints():
    assert POSTBUILD.is_file(), "binder/postBuild is missing"
    assert os.access(POSTBUILD, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    script = POSTBUILD.read_text()
    assert script.startswith("#!"), "binder/postBuild needs a shebang line"
    assert "set -e" in script, "binder/postBuild should stop at the first failing command"
    commands = [line.strip() for line in script.splitlines()
                if "pip install" in line and not line.lstrip().startswith("#")]
    assert commands, "binder/postBuild does not pip install anything"
    words = commands[0].replace('"', "").replace("'", "").split()
    assert "-c" in words and words[words.index("-c") + 1] == "constraints.txt", (
        "binder/postBuild must install with -c constraints.txt")
    assert "-e" in words and words[words.index("-e") + 1].split("[")[0] == ".", (
        "binder/postBuild must install gmm_teach from the repository (-e .)")
    # Binder reads binder/ instead of the root: a requirements.txt there would be ignored
    # next to environment.yml, and a second description could drift.
    assert not (ROOT / "binder" / "requirements.txt").exists()


def test_readme_binder_badge_opens_the_index_in_jupyterlab():
    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)\s]+\)", readme)
    assert badge, ("README.md has no Binder badge; add "
                   "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/"
                   f"gh/<owner>/<repo>/HEAD?urlpath=lab/tree/{INDEX})")
    assert f"urlpath=lab/tree/{INDEX}" in badge.group(0) or (
        f"urlpath=lab%2Ftree%2F{INDEX.replace('/', '%2F')}" in badge.group(0)), (
        f"the Binder badge must open JupyterLab on {INDEX}: {badge.group(0)}")
    assert (ROOT / INDEX).is_file(), f"{INDEX} is missing"
