"""The settings module rejects unsafe or malformed configuration at import time.

Each case imports genbo.settings in a fresh Python process with a controlled
environment, because the module reads the environment only once.
"""

import os
import subprocess
import sys

import pytest

GOOD_SECRET = "s" * 50


def _import_settings(
    tmp_path, code: str = "import genbo.settings", **variables
) -> subprocess.CompletedProcess:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("GENBO_")
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment["GENBO_DATA_DIR"] = str(tmp_path)
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_development_defaults_import(tmp_path):
    result = _import_settings(tmp_path)

    assert result.returncode == 0, result.stderr


def test_complete_production_settings_import(tmp_path):
    result = _import_settings(
        tmp_path,
        GENBO_PRODUCTION="1",
        GENBO_SECRET_KEY=GOOD_SECRET,
        GENBO_EMAIL_HOST="smtp.kommun.example",
        GENBO_BASE_URL="https://genbo.example",
    )

    assert result.returncode == 0, result.stderr


def test_production_without_base_url_is_refused(tmp_path):
    result = _import_settings(
        tmp_path,
        GENBO_PRODUCTION="1",
        GENBO_SECRET_KEY=GOOD_SECRET,
        GENBO_EMAIL_HOST="smtp.kommun.example",
    )

    assert result.returncode == 1
    assert "GENBO_BASE_URL" in _last_line(result)


def test_production_with_debug_is_refused(tmp_path):
    result = _import_settings(
        tmp_path,
        GENBO_PRODUCTION="1",
        GENBO_DEBUG="1",
        GENBO_SECRET_KEY=GOOD_SECRET,
        GENBO_EMAIL_HOST="smtp.kommun.example",
    )

    assert result.returncode == 1
    assert "ImproperlyConfigured" in _last_line(result)
    assert "GENBO_DEBUG" in _last_line(result)


def test_production_with_default_secret_key_is_refused(tmp_path):
    result = _import_settings(
        tmp_path, GENBO_PRODUCTION="1", GENBO_EMAIL_HOST="smtp.kommun.example"
    )

    assert result.returncode == 1
    assert "ImproperlyConfigured" in _last_line(result)
    assert "GENBO_SECRET_KEY" in _last_line(result)


def test_production_with_short_secret_key_is_refused(tmp_path):
    result = _import_settings(
        tmp_path,
        GENBO_PRODUCTION="1",
        GENBO_SECRET_KEY="kort",
        GENBO_EMAIL_HOST="smtp.kommun.example",
    )

    assert result.returncode == 1
    assert "GENBO_SECRET_KEY" in _last_line(result)


def test_secret_key_can_come_from_file(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(GOOD_SECRET + "\n", encoding="utf-8")

    result = _import_settings(
        tmp_path,
        GENBO_PRODUCTION="1",
        GENBO_SECRET_KEY_FILE=str(secret_file),
        GENBO_EMAIL_HOST="smtp.kommun.example",
        GENBO_BASE_URL="https://genbo.example",
    )

    assert result.returncode == 0, result.stderr


def test_unreadable_secret_file_names_variable(tmp_path):
    result = _import_settings(tmp_path, GENBO_SECRET_KEY_FILE=str(tmp_path / "finns-inte"))

    assert result.returncode == 1
    assert "GENBO_SECRET_KEY_FILE" in _last_line(result)


@pytest.mark.parametrize("variable", ["GENBO_DEBUG", "GENBO_PRODUCTION"])
def test_malformed_boolean_names_variable(tmp_path, variable):
    result = _import_settings(tmp_path, **{variable: "kanske"})

    assert result.returncode == 1
    assert "ImproperlyConfigured" in _last_line(result)
    assert f"{variable}='kanske'" in _last_line(result)


def test_malformed_integer_names_variable(tmp_path):
    result = _import_settings(tmp_path, GENBO_PHOTO_MAX_BYTES="5MB")

    assert result.returncode == 1
    assert "ImproperlyConfigured" in _last_line(result)
    assert "GENBO_PHOTO_MAX_BYTES='5MB'" in _last_line(result)


def test_invalid_database_url_names_variable(tmp_path):
    result = _import_settings(tmp_path, GENBO_DATABASE_URL="oracle-ish://nowhere")

    assert result.returncode == 1
    assert "GENBO_DATABASE_URL" in _last_line(result)


POSTGRES_URL = "postgres://genbo@127.0.0.1:5432/genbo"
PRINT_OPTIONS = "import genbo.settings as s; print(s.DATABASES['default']['OPTIONS'])"


def test_postgresql_prepares_statements_by_default(tmp_path):
    result = _import_settings(tmp_path, PRINT_OPTIONS, GENBO_DATABASE_URL=POSTGRES_URL)

    assert result.returncode == 0, result.stderr
    assert "'server_side_binding': True" in result.stdout
    assert "'prepare_threshold': 5" in result.stdout


def test_prepared_statements_can_be_turned_off(tmp_path):
    result = _import_settings(
        tmp_path,
        PRINT_OPTIONS,
        GENBO_DATABASE_URL=POSTGRES_URL,
        GENBO_DATABASE_PREPARED_STATEMENTS="false",
    )

    assert result.returncode == 0, result.stderr
    assert "server_side_binding" not in result.stdout
    assert "prepare_threshold" not in result.stdout


@pytest.mark.parametrize("threads", ["0", "-2"])
def test_request_threads_below_one_rejected(tmp_path, threads):
    result = _import_settings(tmp_path, GENBO_REQUEST_THREADS=threads)

    assert result.returncode != 0
    assert f"GENBO_REQUEST_THREADS={threads} is invalid" in _last_line(result)


def test_negative_running_requests_rejected(tmp_path):
    result = _import_settings(tmp_path, GENBO_RUNNING_REQUESTS="-1")

    assert result.returncode != 0
    assert "GENBO_RUNNING_REQUESTS=-1 is invalid" in _last_line(result)
