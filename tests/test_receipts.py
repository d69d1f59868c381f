"""Receipt codes (回执码): a keyed hash of the issue ID printed on each 交办单,
stable from one build to the next, different under another key; the key comes
from NUANQI_RECEIPT_KEY or a key file created 0600 beside the source, never
inside the site, docs/ or the frozen periods; the public site holds the codes
only as hashes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import stat
from pathlib import Path

import ahocorasick
import pytest
from conftest import build
from htmltree import parse

from generator.errors import ConfigError
from generator.render.receipts import ALPHABET, code, lookup_id, normalise, seal, unseal
from generator.request import BuildRequest
from generator.sources import EXAMPLE_WORKBOOK, parse_sources
from generator.sources.receipt_key import KEY_FILE_NAME, ReceiptKey, default_key_file, load_key

AS_OF = dt.date(2022, 12, 31)
KEY = b"0123456789abcdef-test-key"
CODE = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def test_a_code_is_three_groups_of_crockford_base32_and_depends_on_the_key() -> None:
    first = code(KEY, "Q000001")
    assert CODE.match(first)
    assert code(KEY, "Q000001") == first
    assert code(b"another key, just as long", "Q000001") != first
    assert code(KEY, "Q000002") != first
    # Nothing of the ID is in the code.
    assert "000001" not in first.replace("-", "")
    assert len({code(KEY, f"Q{n:06d}") for n in range(2000)}) == 2000


def test_typed_codes_are_normalised_like_crockford_says() -> None:
    c = code(KEY, "Q000123")
    typed = c.lower().replace("-", " ")
    assert normalise(typed) == c.replace("-", "")
    assert lookup_id(typed) == lookup_id(c)
    assert normalise("oO-iI lL") == "001111"
    assert normalise("ＡＢＣＤ－１２３４") == "ABCD1234"  # full-width, as a Chinese input method types it


def test_a_sealed_record_opens_only_with_its_code() -> None:
    c = code(KEY, "Q000123")
    record = {"status": "办理中", "dept": "区人社局", "due": "2023-01-13", "closure": None}
    sealed = seal(c, record)
    assert seal(c, record) == sealed  # the same bytes at every build
    assert unseal(c.lower(), sealed) == record
    assert unseal(code(KEY, "Q000124"), sealed) is None
    tampered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    assert unseal(c, tampered) is None
    assert "办理中" not in sealed and "2023" not in sealed


def test_the_key_file_is_created_once_beside_the_source_with_mode_0600(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    shutil.copy(EXAMPLE_WORKBOOK, book)
    sources = parse_sources([str(book)])
    assert default_key_file(sources) == tmp_path / KEY_FILE_NAME
    key = load_key(ReceiptKey(), sources)
    path = tmp_path / KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key(ReceiptKey(), sources) == key
    assert len(key) == 64
    assert load_key(ReceiptKey(secret="a secret of the CI vault"), sources) == b"a secret of the CI vault"
    named = tmp_path / "keys" / "receipt.key"
    named.parent.mkdir()
    assert load_key(ReceiptKey(file=named), sources) != key
    assert named.exists()


@pytest.mark.parametrize("spec, message", [
    (ReceiptKey(secret="short"), "NUANQI_RECEIPT_KEY"),
])
def test_a_short_key_is_refused(tmp_path: Path, spec: ReceiptKey, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_key(spec, parse_sources([str(EXAMPLE_WORKBOOK)]))


def test_an_emptied_key_file_is_refused_rather_than_replaced(tmp_path: Path) -> None:
    path = tmp_path / "k"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="备份"):
        load_key(ReceiptKey(file=path), ())


def test_a_key_file_in_the_published_folder_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "book.xlsx"
    shutil.copy(EXAMPLE_WORKBOOK, book)
    published = tmp_path / "published"
    with pytest.raises(ConfigError, match="published"):
        build([str(book)], AS_OF, site_dir=tmp_path / "site", published_dir=published,
              receipt_key=ReceiptKey(file=published / "key"))
    assert not (published / "key").exists()


def _every_text(root: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(root.rglob("*")) if p.is_file())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The example copied into a folder of its own, built public twice (the second
    time forced) and internal once, with the key file the first build makes."""
    base = tmp_path_factory.mktemp("receipts")
    book = base / "book.xlsx"
    shutil.copy(EXAMPLE_WORKBOOK, book)
    docs = base / "docs"
    shutil.copytree(Path(__file__).parent.parent / "docs", docs)
    first = build([str(book)], AS_OF, site_dir=base / "site", docs_dir=docs, engine="mkdocs")
    shards = {p.name: p.read_bytes() for p in (base / "site" / "status" / "records").iterdir()}
    again = build([str(book)], AS_OF, site_dir=base / "site", docs_dir=docs, engine="mkdocs", force=True)
    internal = build([str(book)], AS_OF, site_dir=base / "site-internal", docs_dir=docs, engine="mkdocs",
                     audience="internal")
    key = (base / KEY_FILE_NAME).read_text(encoding="utf-8").strip().encode()
    return {"base": base, "first": first, "again": again, "internal": internal, "shards": shards, "key": key}


def test_codes_and_records_are_the_same_at_the_next_build(built: dict[str, object]) -> None:
    base = built["base"]
    assert isinstance(base, Path)
    now = {p.name: p.read_bytes() for p in (base / "site" / "status" / "records").iterdir()}
    assert now == built["shards"]
    assert len(now) == 256


def test_the_internal_order_prints_the_code_and_the_assigned_date(built: dict[str, object]) -> None:
    base, key, internal = built["base"], built["key"], built["internal"]
    assert isinstance(base, Path) and isinstance(key, bytes)
    programme = internal.programme  # type: ignore[attr-defined]
    orders = list((base / "site-internal" / "orders").glob("dept-*.html"))
    text = "\n".join(parse(p).text() for p in orders)
    open_assigned = [i for i in programme.issues if i.dept_id and i.closed_on is None and i.assigned_on]
    assert open_assigned
    for issue in open_assigned[:20]:
        assert f"回执码：{code(key, issue.issue_id)}" in text
    issue = open_assigned[0]
    day = issue.assigned_on
    assert f"交办日期：{day.year}年{day.month}月{day.day}日" in text
    assert "办理进度查询" in text


def test_the_public_site_has_no_code_and_no_key(built: dict[str, object]) -> None:
    base, key, first = built["base"], built["key"], built["first"]
    assert isinstance(base, Path) and isinstance(key, bytes)
    programme = first.programme  # type: ignore[attr-defined]
    site = _every_text(base / "site")
    docs = _every_text(base / "docs")
    published = _every_text(base / "published") if (base / "published").exists() else ""
    for where in (site, docs, published, _every_text(base / "site-internal")):
        assert key.decode() not in where
    automaton = ahocorasick.Automaton()
    expected = set()
    for issue in programme.issues:
        c = code(key, issue.issue_id)
        for form in (c, normalise(c)):
            automaton.add_word(form, form)
        if issue.dept_id and issue.reported_on <= AS_OF:
            expected.add(lookup_id(c))
    automaton.make_automaton()
    assert [found for text in (site, docs) for _end, found in automaton.iter(text)] == []
    # Each code is there as its hash, the name of its record.
    assert len(expected) > 100
    assert expected <= set(re.findall(r'"([0-9a-f]{64})":', site))
    # The key file stays beside the workbook, outside every folder the build writes.
    assert not any(p.name == KEY_FILE_NAME for folder in ("site", "docs", "site-internal")
                   for p in (base / folder).rglob("*"))


def test_another_key_gives_other_codes(built: dict[str, object], tmp_path: Path) -> None:
    base = built["base"]
    assert isinstance(base, Path)
    request = BuildRequest(sources=parse_sources([str(base / "book.xlsx")]), as_of=AS_OF,
                           receipt_key=ReceiptKey(secret="another deployment's key"))
    assert request.receipt_secret() != built["key"]
    assert code(request.receipt_secret(), "Q000001") != code(built["key"], "Q000001")  # type: ignore[arg-type]


def test_the_cli_takes_the_key_from_the_environment_or_creates_the_file_and_says_so(
        tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.cli import cli

    book = tmp_path / "book.xlsx"
    shutil.copy(EXAMPLE_WORKBOOK, book)
    args = ["build", "--audience", "internal", "--source", str(book), "--as-of", "2022-12-31",
            "--engine", "mkdocs", "--site-dir"]
    monkeypatch.setenv("NUANQI_RECEIPT_KEY", "the key of the CI vault, 32 chars")
    result = runner.invoke(cli, [*args, str(tmp_path / "one")])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / KEY_FILE_NAME).exists()
    orders = "\n".join(parse(p).text() for p in (tmp_path / "one" / "orders").glob("dept-*.html"))
    assert code(b"the key of the CI vault, 32 chars", "Q000001") in orders  # open in the example
    monkeypatch.delenv("NUANQI_RECEIPT_KEY")
    result = runner.invoke(cli, [*args, str(tmp_path / "two")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / KEY_FILE_NAME).exists()
    assert "已创建回执码密钥文件" in result.stderr and "备份" in result.stderr
    monkeypatch.setenv("NUANQI_RECEIPT_KEY", "short")
    result = runner.invoke(cli, [*args, str(tmp_path / "three")])
    assert result.exit_code == 2 and "NUANQI_RECEIPT_KEY" in result.output


def test_the_order_names_the_public_address_when_mkdocs_yml_has_one(tmp_path: Path) -> None:
    from generator.site.build import public_status_url

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\nsite_url: https://nqfw.example.gov.cn/\n", encoding="utf-8")
    assert public_status_url(config) == "https://nqfw.example.gov.cn/status/index.html"
    config.write_text("site_name: t\n", encoding="utf-8")
    assert public_status_url(config) is None
