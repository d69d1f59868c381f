"""Our recorded fixtures have the shape of the real API's recordings
(gspread's own cassettes, in cassettes/reference/, MIT): the same keys and
value types in requests, responses, metadata, values:batchGet answers and
error bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cassettes import make_cassettes as mc

REFERENCE = mc.HERE / "reference"
OURS = sorted(p for p in mc.HERE.glob("gsheets_*.json"))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def interactions(paths: list[Path]) -> list[dict[str, Any]]:
    return [i for p in paths for i in load(p)["interactions"]]


def shape(value: Any) -> Any:
    """Keys and value types, recursively; lists by the shape of their items."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        shapes = []
        for item in value:
            s = shape(item)
            if s not in shapes:
                shapes.append(s)
        return shapes
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def kinds(interaction: dict[str, Any]) -> str:
    uri = interaction["request"]["uri"]
    code = interaction["response"]["status"]["code"]
    if code >= 400:
        return "error"
    if "values:batchGet" in uri:
        return "batchGet"
    if ":batchUpdate" in uri:
        return "batchUpdate"
    if "sheets.googleapis.com" in uri and "includeGridData=false" in uri:
        return "metadata"
    return "other"


def of_kind(items: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [i for i in items if kinds(i) == kind]


REF = interactions(sorted(REFERENCE.glob("*.json")))
MINE = interactions(OURS)


def test_fixtures_exist_and_reference_is_there():
    assert len(OURS) >= 10
    assert len(REF) > 20
    for kind in ("metadata", "batchGet", "batchUpdate", "error"):
        assert of_kind(REF, kind) and of_kind(MINE, kind), kind


def test_cassette_envelope_matches():
    for path in OURS:
        data = load(path)
        assert set(data) == {"version", "interactions"} and data["version"] == 1
        for i in data["interactions"]:
            assert set(i) == {"request", "response"}
            assert set(i["request"]) == {"method", "uri", "body", "headers"}
            assert set(i["response"]) == {"status", "headers", "body"}
            assert set(i["response"]["status"]) == {"code", "message"}
            assert set(i["response"]["body"]) == {"string"}
            assert all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                       for v in {**i["request"]["headers"], **i["response"]["headers"]}.values())


@pytest.mark.parametrize("kind", ["metadata", "batchGet", "batchUpdate"])
def test_request_headers_and_methods_match(kind):
    ref = of_kind(REF, kind)
    for mine in of_kind(MINE, kind):
        assert mine["request"]["method"] == ref[0]["request"]["method"]
        required = set.intersection(*(set(r["request"]["headers"]) for r in ref))
        assert required <= set(mine["request"]["headers"]), required - set(mine["request"]["headers"])
        assert mine["request"]["headers"]["authorization"] == ["<ACCESS_TOKEN>"]
        ref_types = {v[0] for r in ref for v in [r["response"]["headers"]["Content-Type"]]}
        assert mine["response"]["headers"]["Content-Type"][0] in ref_types


def body(interaction: dict[str, Any]) -> Any:
    return json.loads(interaction["response"]["body"]["string"])


def test_metadata_body_has_the_real_keys():
    ref = body(of_kind(REF, "metadata")[0])
    for mine in of_kind(MINE, "metadata"):
        got = body(mine)
        assert set(got) == set(ref)
        assert set(got["properties"]) == set(ref["properties"])
        assert shape(got["properties"]["defaultFormat"]) == shape(ref["properties"]["defaultFormat"])
        assert shape(got["sheets"][0]) == shape(ref["sheets"][0])


def test_batch_get_body_has_the_real_shape():
    ref = body(of_kind(REF, "batchGet")[0])
    for mine in of_kind(MINE, "batchGet"):
        got = body(mine)
        assert set(got) == set(ref)
        for value_range in got["valueRanges"]:
            assert set(value_range) <= set(ref["valueRanges"][0])
            assert value_range["majorDimension"] == "ROWS"
            assert all(isinstance(row, list) for row in value_range.get("values", []))
            for row in value_range.get("values", []):
                assert all(isinstance(c, (str, int, float, bool)) for c in row)
                assert not row or row[-1] != ""  # trailing empty cells are dropped
        assert "valueRenderOption=UNFORMATTED_VALUE" in mine["request"]["uri"]


def test_batch_update_answer_has_the_real_shape():
    ref = body(of_kind(REF, "batchUpdate")[0])
    for mine in of_kind(MINE, "batchUpdate"):
        got = body(mine)
        assert set(got) == set(ref)
        sent = json.loads(mine["request"]["body"])
        assert len(got["replies"]) == len(sent["requests"])


def is_json(interaction: dict[str, Any]) -> bool:
    return interaction["response"]["headers"]["Content-Type"][0].startswith("application/json")


def test_error_bodies_match():
    ref_errors = {body(i)["error"]["status"]: body(i) for i in of_kind(REF, "error")}
    assert set(ref_errors) == {"NOT_FOUND", "PERMISSION_DENIED"}
    ref_shape = shape(next(iter(ref_errors.values()))["error"])
    mine = [(i, body(i)) for i in of_kind(MINE, "error") if is_json(i)]
    statuses = {got["error"]["status"] for _i, got in mine}
    assert statuses >= {"NOT_FOUND", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "UNAVAILABLE", "FAILED_PRECONDITION"}
    for interaction, got in mine:
        assert set(got) == {"error"}
        error = got["error"]
        # The reference keys with the same types; only the API-disabled answer adds "details".
        assert {k: shape(v) for k, v in error.items() if k != "details"} == ref_shape
        assert set(error) - set(ref_shape) <= {"details"}
        assert error["code"] == interaction["response"]["status"]["code"]
        if error["status"] in ref_errors and "details" not in error:
            assert got == ref_errors[error["status"]]
            ref_status = next(i for i in of_kind(REF, "error") if body(i)["error"]["status"] == error["status"])
            assert interaction["response"]["status"] == ref_status["response"]["status"]


def test_a_proxy_error_page_is_html():
    [page] = [i for i in of_kind(MINE, "error") if not is_json(i)]
    assert page["response"]["status"] == {"code": 502, "message": "Bad Gateway"}
    assert page["response"]["body"]["string"].startswith("<html>")
