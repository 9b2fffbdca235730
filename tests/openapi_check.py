"""Checking JSON API answers against our OpenAPI document (``programs.openapi``).

``assert_answer_documented(path, status, body)`` finds the operation for ``path``, the answer
documented for ``status``, and validates ``body`` against its schema with jsonschema (OpenAPI
3.1 schemas are JSON Schema 2020-12). tests/test_api.py runs it on every answer it receives.
"""

import re

from jsonschema import Draft202012Validator

from programs.openapi import DOCUMENT

_TEMPLATE = re.compile(r"\{[^}]+\}")


def operation_for(path: str) -> dict | None:
    for template, item in DOCUMENT["paths"].items():
        pattern = "[^/]+".join(re.escape(part) for part in _TEMPLATE.split(template))
        if re.fullmatch(pattern, path):
            return item["get"]
    return None


def assert_answer_documented(path: str, status: int, body) -> None:
    operation = operation_for(path)
    assert operation is not None, f"{path} is not in the OpenAPI document"
    answers = operation["responses"]
    assert str(status) in answers, f"{path} answered {status}, which is not documented"
    schema = answers[str(status)]["content"]["application/json"]["schema"]
    validator = Draft202012Validator(
        {**schema, "components": DOCUMENT["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.path))
    assert not errors, "\n".join(
        f"{path} ({status}) at {'/'.join(map(str, error.path)) or '(root)'}: {error.message}"
        for error in errors[:10]
    )
