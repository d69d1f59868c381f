"""When Google Sheets cannot be read: a clear message, exit code 2, the last
good site untouched. Quota and server errors are retried with backoff within a
bounded time (the waits are recorded, never slept)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from cassettes import make_cassettes as mc
from cassettes.playback import SA_EMAIL, play, service_account_info, write_key_file
from conftest import read_source

from generator.cli import cli
from generator.errors import SourceError
from generator.sources.gsheets import RetryingHTTPClient, load_account


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return write_key_file(tmp_path / "service-account.json")


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The backoff pauses, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(RetryingHTTPClient, "sleep", staticmethod(recorded.append))
    return recorded


@pytest.fixture
def last_good_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>上次发布的网站</p>", encoding="utf-8")
    return site


def run_build(runner, spec: str, key: Path | str, site: Path):
    result = runner.invoke(cli, ["build", "-s", spec, "--credentials", str(key), "--as-of", "2022-12-31",
                                 "--site-dir", str(site)])
    return without_site_kept(result, site)


def without_site_kept(result, site: Path):
    """A failed build ends saying the last site is kept (tests/test_build.py): checked here, then
    left out, so that each test compares the message of its own failure."""
    kept = f"网站没有改动：{site} 中仍是上次生成的网站。\n"
    if result.exit_code == 0:
        return result
    assert result.output.endswith(kept), result.output
    return SimpleNamespace(exit_code=result.exit_code, output=result.output[: -len(kept)])


def assert_untouched(site: Path) -> None:
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "<p>上次发布的网站</p>"


def test_not_shared_names_the_service_account(runner, key_file, last_good_site, waits):
    with play("gsheets_forbidden") as p:
        result = run_build(runner, f"gsheet:{mc.PRIVATE_KEY}", key_file, last_good_site)
    assert result.exit_code == 2
    assert result.output == (
        f"错误：服务账号无权打开表格 {mc.PRIVATE_KEY}：请在 Google 表格中点击“共享”，把 {SA_EMAIL} "
        "添加为查看者（使用 template --google 或 --write-back 时须为编辑者）\n"
    )
    assert len(p.sheets_requests()) == 1 and waits == []  # a 403 is not retried
    assert_untouched(last_good_site)


def test_wrong_key(runner, key_file, last_good_site, waits):
    url = f"https://docs.google.com/spreadsheets/d/{mc.MISSING_KEY}/edit#gid=0"
    with play("gsheets_not_found") as p:
        result = run_build(runner, url, key_file, last_good_site)
    assert result.exit_code == 2
    assert result.output == f"错误：找不到编号为 {mc.MISSING_KEY} 的 Google 表格：请从浏览器地址栏重新复制表格链接\n"
    assert len(p.sheets_requests()) == 1 and waits == []
    assert_untouched(last_good_site)


def test_quota_exceeded_then_success(key_file, waits):
    with play("gsheets_quota_then_ok") as p:
        sheets = read_source(f"gsheet:{mc.SMALL_KEY}", credentials=key_file)
    assert p.cassette.all_played
    assert [s.tab for s in sheets] == ["部门"]
    assert waits == [2.0]
    assert [r.url.split("?")[0].rsplit("/", 1)[-1] for r in p.sheets_requests()] == [
        mc.SMALL_KEY, "values:batchGet", "values:batchGet",
    ]


def test_quota_still_exceeded_gives_up_within_bounded_time(runner, key_file, last_good_site, waits):
    with play("gsheets_quota_exhausted") as p:
        result = run_build(runner, f"gsheet:{mc.SMALL_KEY}", key_file, last_good_site)
    assert result.exit_code == 2
    assert result.output == "错误：Google 表格的请求配额已用完（429），多次重试仍未成功：请等一分钟后再运行\n"
    assert len(p.sheets_requests()) == mc.GIVE_UP_AFTER
    assert waits == [2.0, 4.0, 8.0, 16.0]
    assert sum(waits) <= RetryingHTTPClient.max_total_wait
    assert_untouched(last_good_site)


def test_server_errors_retried_then_given_up(runner, key_file, last_good_site, waits):
    with play("gsheets_server_error") as p:
        result = run_build(runner, f"gsheet:{mc.SMALL_KEY}", key_file, last_good_site)
    assert result.exit_code == 2
    assert result.output == "错误：Google 表格服务多次重试后仍然出错（503）：请稍后再试\n"
    assert p.cassette.all_played and len(p.sheets_requests()) == mc.GIVE_UP_AFTER
    assert waits == [2.0, 4.0, 8.0, 16.0]
    assert_untouched(last_good_site)


def test_api_not_enabled(runner, key_file, waits):
    with play("gsheets_api_disabled"):
        result = runner.invoke(cli, ["validate", "-s", f"gsheet:{mc.SMALL_KEY}", "--credentials", str(key_file)])
    assert result.exit_code == 2
    assert result.output == (
        "错误：服务账号所在的项目尚未启用 Google Sheets API：请在 Google Cloud 控制台的“API 和服务 → 库”中"
        "启用 Google Sheets API，等几分钟后再运行\n"
    )
    assert waits == []


def test_an_uploaded_excel_file_is_explained(runner, key_file, waits):
    with play("gsheets_uploaded_xlsx"):
        result = runner.invoke(cli, ["validate", "-s", f"gsheet:{mc.SMALL_KEY}", "--credentials", str(key_file)])
    assert result.exit_code == 2
    assert result.output.startswith(f"错误：{mc.SMALL_KEY} 是上传到 Google 云端硬盘的 Excel 文件，而不是 Google 表格")
    assert waits == []


def test_a_proxy_error_page_is_retried(key_file, waits):
    with play("gsheets_bad_gateway_then_ok") as p:
        sheets = read_source(f"gsheet:{mc.SMALL_KEY}", credentials=key_file)
    assert p.cassette.all_played
    assert [s.tab for s in sheets] == ["部门"]
    assert waits == [2.0]


@pytest.mark.parametrize(("retry_after", "expected"), [("7", 7.0), ("600", 32.0)])
def test_retry_after_header_is_honoured_but_capped(waits, retry_after, expected):
    response = requests.Response()
    response.status_code = 429
    response.headers["Retry-After"] = retry_after
    response._content = json.dumps({"error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"}}).encode()
    ok = requests.Response()
    ok.status_code = 200
    ok._content = b"{}"
    answers = [response, ok]

    class Session:
        def request(self, **kwargs):
            return answers.pop(0)

    client = RetryingHTTPClient(auth=None, session=Session())  # type: ignore[arg-type]
    assert client.request("get", "https://sheets.googleapis.com/v4/spreadsheets/x").status_code == 200
    assert waits == [expected]


def test_network_down(runner, key_file, last_good_site, waits, monkeypatch):
    attempts: list[str] = []

    def no_network(adapter, request, *args, **kwargs):
        attempts.append(request.url)
        raise requests.ConnectionError("Failed to establish a new connection: [Errno 101] Network is unreachable")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", no_network)
    result = run_build(runner, f"gsheet:{mc.SMALL_KEY}", key_file, last_good_site)
    assert result.exit_code == 2
    assert result.output == (
        "错误：无法连接 Google 表格（网络不通？）：请检查网络，或用 --source 文件夹 从保存的快照生成\n"
    )
    # The token request fails first; it is retried within the same bound, then given up.
    assert waits == [2.0, 4.0, 8.0, 16.0]
    assert attempts and all(u == "https://oauth2.googleapis.com/token" for u in attempts)
    assert_untouched(last_good_site)


def test_no_key_file_named(runner, monkeypatch, last_good_site):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    result = without_site_kept(
        runner.invoke(cli, ["build", "-s", f"gsheet:{mc.SMALL_KEY}", "--site-dir", str(last_good_site)]), last_good_site)
    assert result.exit_code == 2
    assert result.output == (
        "错误：读取 Google 表格需要服务账号密钥文件：请把环境变量 GOOGLE_APPLICATION_CREDENTIALS "
        "设为密钥文件的路径，或使用 --credentials 文件\n"
    )
    assert_untouched(last_good_site)


def test_key_file_missing(runner, tmp_path, monkeypatch):
    missing = tmp_path / "nowhere.json"
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(missing))
    result = runner.invoke(cli, ["validate", "-s", f"gsheet:{mc.SMALL_KEY}"])
    assert result.exit_code == 2
    assert result.output == (
        f"错误：服务账号密钥文件 {missing} 不存在：请检查路径（--credentials 或 GOOGLE_APPLICATION_CREDENTIALS）\n"
    )


@pytest.mark.parametrize(("content", "expected"), [
    ("not json at all", "key.json 不是服务账号密钥文件（不是 JSON 格式）"),
    (json.dumps({"installed": {"client_id": "x"}}), "key.json 不是服务账号密钥（类型为“”）"),
    (json.dumps({**service_account_info(), "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}),
     "服务账号密钥文件 key.json 不完整或已损坏"),
    (json.dumps({k: v for k, v in service_account_info().items() if k != "client_email"}),
     "服务账号密钥文件 key.json 不完整或已损坏"),
])
def test_invalid_key_file(runner, tmp_path, content, expected):
    key = tmp_path / "key.json"
    key.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as err:
        load_account(key)
    assert str(err.value).startswith(expected)
    result = runner.invoke(cli, ["validate", "-s", f"gsheet:{mc.SMALL_KEY}", "--credentials", str(key)])
    assert result.exit_code == 2
    assert result.output.startswith("错误：" + expected)
    assert "Traceback" not in result.output


def test_not_a_spreadsheet_address(runner, key_file):
    result = runner.invoke(cli, ["validate", "-s", "https://docs.google.com/spreadsheets/u/0/", "--credentials", str(key_file)])
    assert result.exit_code == 2
    assert "不是 Google 表格地址" in result.output
