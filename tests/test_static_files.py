"""The production static-files pipeline: collectstatic with WhiteNoise's hashed manifest storage."""

from django.core.management import call_command


def test_collectstatic_builds_the_manifest_production_serves(settings, tmp_path):
    """Every static file, and every file a CSS or JS file refers to, can be hashed and collected (a
    reference to a missing file, such as a source map, fails the build of the production image).
    Production's storage adds compression to this one, which takes minutes and checks nothing more."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    call_command("collectstatic", interactive=False, verbosity=0)

    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/bootstrap/bootstrap.min.*.css"))
