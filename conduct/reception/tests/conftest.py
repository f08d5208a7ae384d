import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded scans of the tests go to a temporary folder, not the shared media folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
