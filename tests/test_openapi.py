"""The published schema, checked by tools people outside the project use.

openapi-spec-validator validates `manage.py spectacular`'s output, and openapi-python-client
(default settings, offline) generates a client from it with no warning and no endpoint left
out. tests/test_generated_client.py then drives that client against the running server.
"""

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from backend.shared.api import TIME_ZONES

ROOT = Path(__file__).resolve().parent.parent
CLIENT_PACKAGE = "tonus_api_client"


def schema_text() -> str:
    out = io.StringIO()
    call_command("spectacular", stdout=out, fail_on_warn=True)
    return out.getvalue()


def generate_client(schema: str, into: Path) -> subprocess.CompletedProcess:
    """The client as openapi-python-client makes it with its default settings."""
    (into / "schema.yaml").write_text(schema)
    bin_dir = str(Path(sys.executable).parent)
    return subprocess.run(
        [
            f"{bin_dir}/openapi-python-client",
            "generate",
            "--path",
            "schema.yaml",
            "--output-path",
            "client",
        ],
        cwd=into,
        capture_output=True,
        text=True,
        # Its post-generation hook runs ruff, which lives beside this Python.
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"},
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="session")
def schema() -> str:
    return schema_text()


def test_an_independent_validator_accepts_the_schema(schema):
    validate(yaml.safe_load(schema))


def test_time_zones_are_a_documented_string_not_an_enum(schema):
    document = yaml.safe_load(schema)
    assert "TimeZoneEnum" not in document["components"]["schemas"]
    time_zone = document["components"]["schemas"]["SignUpInput"]["properties"]["time_zone"]
    assert time_zone["type"] == "string"
    assert "enum" not in time_zone
    assert "IANA" in time_zone["description"]

    pattern = re.compile(time_zone["pattern"])
    assert all(pattern.match(name) for name in TIME_ZONES), "a real zone the pattern refuses"


def test_the_csv_import_is_a_file_upload(schema):
    document = yaml.safe_load(schema)
    body = document["paths"]["/api/v1/checkins/import/"]["post"]["requestBody"]["content"]
    upload = body["multipart/form-data"]["schema"]
    ref = upload["$ref"].rsplit("/", 1)[1]
    file_field = document["components"]["schemas"][ref]["properties"]["file"]
    assert file_field == {
        "type": "string",
        "format": "binary",
        "description": file_field["description"],
    }


def test_a_generated_client_covers_every_endpoint_without_a_warning(schema, tmp_path):
    result = generate_client(schema, tmp_path)
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    assert "Warning" not in output and "Skipping" not in output, output
    generated = {
        path.stem for path in (tmp_path / "client" / CLIENT_PACKAGE / "api").rglob("v1_*.py")
    }
    document = yaml.safe_load(schema)
    operations = {
        op["operationId"]
        for methods in document["paths"].values()
        for op in methods.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert operations == generated
