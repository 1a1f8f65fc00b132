import pytest


@pytest.fixture(autouse=True)
def package_root(settings, tmp_path):
    settings.ELEARNING_PACKAGE_ROOT = str(tmp_path / "packages")
    return tmp_path / "packages"
