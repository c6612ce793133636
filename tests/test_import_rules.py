"""The import rules in pyproject.toml: the code keeps them, and a forbidden import breaks them."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """Check the package found in `cwd` against the contracts in its pyproject.toml."""
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def copy_of_the_code(tmp_path: Path) -> Path:
    """The package's Python modules and the configuration, without templates or static files."""

    def not_python(directory, names):
        return [
            name
            for name in names
            if name == "__pycache__"
            or (not name.endswith(".py") and not Path(directory, name).is_dir())
        ]

    shutil.copytree(ROOT / "klearmind", tmp_path / "klearmind", ignore=not_python)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_module(root: Path, dotted: str, source: str) -> None:
    path = root.joinpath(*dotted.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for package in [path.parent, *path.parent.parents]:
        if package == root:
            break
        (package / "__init__.py").touch()
    path.write_text(source)


def test_the_code_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_page_module_importing_care_breaks_the_public_site_rule(tmp_path):
    root = copy_of_the_code(tmp_path)
    add_module(root, "klearmind.pages.leak", "from klearmind.care import models  # noqa: F401\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "never imports intake, booking or care BROKEN" in " ".join(result.stdout.split())
    assert "klearmind.pages.leak -> klearmind.care.models" in result.stdout


def test_a_clinic_core_importing_a_domain_app_breaks_the_base_rule(tmp_path):
    root = copy_of_the_code(tmp_path)
    add_module(root, "klearmind.clinic.rules", "from klearmind.booking import models  # noqa\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "core import no domain app BROKEN" in " ".join(result.stdout.split())
    assert "klearmind.clinic is not allowed to import klearmind.booking" in result.stdout


def test_care_importing_pages_directly_breaks_the_core_rule(tmp_path):
    root = copy_of_the_code(tmp_path)
    add_module(root, "klearmind.care.leak", "from klearmind.pages import models  # noqa: F401\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "never from pages BROKEN" in " ".join(result.stdout.split())
    assert "klearmind.care.leak -> klearmind.pages.models" in result.stdout


def test_booking_importing_payments_breaks_the_money_rule(tmp_path):
    root = copy_of_the_code(tmp_path)
    add_module(root, "klearmind.booking.leak", "from klearmind.payments import cards  # noqa\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "never import payments (payments joins them through hooks) BROKEN" in " ".join(
        result.stdout.split()
    )
    assert "klearmind.booking.leak -> klearmind.payments.cards" in result.stdout
