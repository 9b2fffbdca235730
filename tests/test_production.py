"""The production setup: `check --deploy` is clean with the README's environment, and static
files are collected with content hashes and served compressed with long cache headers."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

# What README.md ("Production") tells a deployer to set, with example values.
PRODUCTION_ENVIRONMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "k7Qm2vX9pLr4Tz8Wn1Bc6Hy3Ds5Fj0Ga" + "Re7Uo2Ki9Ml4Np8Qs1Vx6Zb3Yc",
    "ALLOWED_HOSTS": "iopfinder.example",
    "CSRF_TRUSTED_ORIGINS": "https://iopfinder.example",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_PRELOAD": "1",
    "TRUST_X_FORWARDED_PROTO": "1",
}

# Settings a test run may have in its environment but a deployment does not (the browser tests'
# conftest sets DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly rejects).
NOT_INHERITED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_manage(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_is_clean_with_the_documented_production_environment():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=PRODUCTION_ENVIRONMENT
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_complains_when_the_secret_key_and_https_are_not_set():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", environment={"DEBUG": "0"})

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009"):
        assert warning in result.stderr + result.stdout


@pytest.fixture
def manifest_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


@pytest.mark.django_db
def test_pages_link_the_hashed_stylesheet_from_collectstatic(manifest_static, client):
    page = client.get("/").content.decode()

    hashed = re.search(r"/static/(css/site\.[0-9a-f]{12}\.css)", page)
    assert hashed, "the page does not link a content-hashed stylesheet"
    assert (manifest_static / hashed.group(1)).exists()
    assert (manifest_static / (hashed.group(1) + ".gz")).exists()


def test_whitenoise_serves_hashed_files_compressed_and_cached_for_a_year(manifest_static):

    def not_static(request):
        raise AssertionError(f"{request.path} was not served as a static file")

    whitenoise = WhiteNoiseMiddleware(not_static)
    url = staticfiles_storage.url("css/site.css")
    request = RequestFactory().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    response = whitenoise(request)

    assert response.status_code == 200
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    assert response["Content-Encoding"] in {"gzip", "br"}
    assert "immutable" in response["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 3600
