import logging
import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rencai.cli import translate
from rencai.core.excel import safe_cell
from rencai.core.logging import RedactPersonalDataFilter, redact
from rencai.core.masking import mask_id_number, mask_mobile, mask_name


def test_health_needs_no_login(client, db):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "version": "1"}


def test_openapi_docs_are_served(client):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/orgs/units" in schema["paths"]


def test_security_headers(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_ui_is_chinese_by_default(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="zh-hans"' in page
    assert "登录智慧人才平台" in page


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("株洲", "株洲"), (12, 12), (None, None)],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


def test_masks():
    assert mask_id_number("510104199001011234") == "5101**********1234"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_name("欧阳娜娜") == "欧**娜"


def test_log_filter_redacts_ids_and_mobiles():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "导入 %s 手机 %s", ("510104199001011234", "13812345678"), None)
    RedactPersonalDataFilter().filter(record)
    assert record.getMessage() == "导入 5101**********1234 手机 138****5678"


@given(st.text())
def test_redact_never_leaves_an_18_digit_id(text):
    assert "510104199001011234" not in redact(text + " 510104199001011234 " + text)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["audit", "verify"], ["audit_verify"]), (["parse", "a.txt", "--json"], ["policy_parse", "a.txt", "--json"]),
     (["import", "talents", "f.csv", "--partial"], ["talent_import", "f.csv", "--partial"]), (["migrate"], ["migrate"])],
)
def test_cli_verbs(argv, expected):
    assert translate(argv) == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [({"DEBUG": "1", "RENCAI_SECRET_KEY": "x", "RENCAI_FIELD_KEY": "y", "DATABASE_URL": "sqlite:///x"}, "DEBUG"),
     ({"RENCAI_FIELD_KEY": "y", "DATABASE_URL": "sqlite:///x"}, "RENCAI_SECRET_KEY")],
)
def test_production_settings_refuse_unsafe_start(env, message, tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "RENCAI_SECRET_KEY", "RENCAI_FIELD_KEY", "DATABASE_URL"}}
    result = subprocess.run([sys.executable, "-c", "import rencai.settings.production"], env={**clean, **env, "RENCAI_VAR_DIR": str(tmp_path)},
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_start_when_configured(tmp_path):
    env = {**os.environ, "RENCAI_SECRET_KEY": "s" * 50, "RENCAI_FIELD_KEY": "k", "DATABASE_URL": "sqlite:///x",
           "DEBUG": "0", "RENCAI_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import rencai.settings.production as p; print(p.DEBUG, p.SESSION_COOKIE_SECURE)"],
                            env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "False True"
