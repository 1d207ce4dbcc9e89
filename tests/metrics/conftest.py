import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Imported files go to a folder of the test's own, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
