"""Sign-in settings in production: local passwords off, session cookies locked down."""

import json
import os
import subprocess
import sys

PRINT_SETTINGS = (
    "import json, genbo.settings as s; print(json.dumps({"
    "'local': s.GENBO_LOCAL_SIGN_IN, 'break_glass': s.GENBO_BREAK_GLASS_EMAILS, "
    "'secure': getattr(s, 'SESSION_COOKIE_SECURE', False), 'httponly': s.SESSION_COOKIE_HTTPONLY, "
    "'samesite': s.SESSION_COOKIE_SAMESITE}))"
)


def _settings(tmp_path, **variables) -> dict:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("GENBO_")
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment["GENBO_DATA_DIR"] = str(tmp_path)
    environment.update(variables)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PRODUCTION = {
    "GENBO_PRODUCTION": "1",
    "GENBO_SECRET_KEY": "s" * 50,
    "GENBO_EMAIL_HOST": "smtp.kommun.example",
    "GENBO_BASE_URL": "https://genbo.example",
}


def test_production_switches_local_sign_in_off(tmp_path):
    values = _settings(tmp_path, **PRODUCTION)

    assert values["local"] is False


def test_production_cookies_secure_httponly_samesite(tmp_path):
    values = _settings(tmp_path, **PRODUCTION)

    assert values["secure"] is True
    assert values["httponly"] is True
    assert values["samesite"] == "Lax"


def test_production_can_switch_local_sign_in_on(tmp_path):
    values = _settings(tmp_path, GENBO_LOCAL_SIGN_IN="true", **PRODUCTION)

    assert values["local"] is True


def test_development_keeps_local_sign_in(tmp_path):
    assert _settings(tmp_path)["local"] is True


def test_break_glass_addresses_lower_cased(tmp_path):
    values = _settings(tmp_path, GENBO_BREAK_GLASS_EMAILS="Nod@Example.se, b@example.se")

    assert values["break_glass"] == ["nod@example.se", "b@example.se"]
