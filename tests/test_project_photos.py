"""照片 in 项目进度 (issue 18): a file beside the workbook is published resized, with
no EXIF (the example's made-up GPS position is gone), under a name from its
content, and the key project's page embeds it with alternative text, lazily;
a link is a link. Cell text is untrusted: a name out of the workbook's folder or a
javascript: link is refused at its cell; a missing or unreadable file is warned
and left out. A workbook without the column still builds."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import os
from pathlib import Path

import openpyxl
import pytest
from conftest import build, validate, write_workbook
from htmltree import article
from PIL import ExifTags, Image

from generator.check.photos import PhotoProblem, folder_of, photo_file
from generator.workbook.sample.challenges import PHOTO_FILES, write_photos

AS_OF = dt.date(2022, 12, 31)
PHOTO_COLUMN = "E"  # 项目进度: 项目编号, 填报日期, 本期完成投资(亿元), 形象进度, 照片


def _book(folder: Path, sample_rows, cell: str | None, *, photos: bool = True) -> Path:
    """The sample in ``folder`` with ``cell`` as the first 项目进度 row's 照片 (row 2)."""
    rows = copy.deepcopy(sample_rows)
    rows["project_reports"][0]["photos"] = cell
    folder.mkdir(parents=True, exist_ok=True)
    if photos:
        write_photos(folder)
    return write_workbook(folder / "book.xlsx", rows)


def _photo_findings(path: Path, schema):
    return [f for f in validate([str(path)], AS_OF, schema).report.findings if f.code.startswith("photo_")]


def test_the_example_photos_carry_a_gps_position(tmp_path):
    write_photos(tmp_path)
    for name, size in PHOTO_FILES:
        with Image.open(tmp_path / "photos" / name) as image:
            assert image.size == size
            assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"


@pytest.fixture(scope="module")
def published(tmp_path_factory, sample_rows):
    """A site whose first 项目进度 row has two files and a link (XM0001's report)."""
    tmp = tmp_path_factory.mktemp("photos")
    book = _book(tmp / "book", sample_rows, "photos/site-1.jpg、photos/site-3.jpg、https://www.example.gov.cn/p/1.jpg")
    built = build([str(book)], AS_OF, site_dir=tmp / "site", docs_dir=tmp / "docs")
    return sample_rows["project_reports"][0]["project_id"], built.result.site_dir, book.parent


def test_a_photo_is_published_resized_and_without_exif(published):
    project_id, site, folder = published
    page = site / "projects" / f"{project_id}.html"
    images = article(page).find_all("img")
    assert len(images) == 2
    for img in images:
        assert img.attrs["loading"] == "lazy"
        assert "现场照片，" in img.attrs["alt"] and img.attrs["decoding"] == "async"
        files = [page.parent / part.split()[0] for part in img.attrs["srcset"].split(", ")]
        assert (page.parent / img.attrs["src"]).resolve() == files[0].resolve()
        for file in files:
            data = file.read_bytes()
            with Image.open(file) as out:
                assert out.format == "JPEG"
                assert max(out.size) <= 1600
                assert dict(out.getexif()) == {} and "exif" not in out.info
                assert not out.getexif().get_ifd(ExifTags.IFD.GPSInfo)
            assert b"Exif" not in data and b"GPS" not in data
    # site-1.jpg is 2400 × 1800: published at 800 × 600 for phones and 1600 × 1200.
    first = images[0]
    assert (first.attrs["width"], first.attrs["height"]) == ("800", "600")
    with Image.open(page.parent / first.attrs["srcset"].split(", ")[1].split()[0]) as large:
        assert large.size == (1600, 1200)
    assert "现场照片" in first.attrs["alt"] and "（1）" in first.attrs["alt"]


def test_published_names_come_from_the_content_never_the_cell(published):
    _project, site, folder = published
    digest = hashlib.sha256(b"1" + (folder / "photos" / "site-1.jpg").read_bytes()).hexdigest()[:32]
    names = sorted(p.name for p in (site / "photos").iterdir())
    assert f"{digest}-800.jpg" in names and f"{digest}-1600.jpg" in names
    assert not any("site" in n for n in names)


def test_a_link_is_shown_as_a_link_never_embedded(published):
    project_id, site, _folder = published
    body = article(site / "projects" / f"{project_id}.html")
    links = [a for a in body.find_all("a") if a.attrs.get("href") == "https://www.example.gov.cn/p/1.jpg"]
    assert len(links) == 1 and "外部链接" in links[0].text()
    assert all("example.gov.cn" not in img.attrs.get("src", "") for img in body.find_all("img"))


def test_refused_names_are_errors_at_their_cell_with_the_exact_message(tmp_path, sample_rows, runner):
    from generator.cli import cli

    write_photos(tmp_path)  # a real image just outside the workbook's folder
    os.replace(tmp_path / "photos" / "site-1.jpg", tmp_path / "secret.jpg")
    book = _book(tmp_path / "book", sample_rows, "../secret.jpg")
    result = runner.invoke(cli, ["validate", "--source", str(book), "--as-of", "2022-12-31"])
    assert result.exit_code == 1, result.output
    assert (f"错误 项目进度!{PHOTO_COLUMN}2 [../secret.jpg]：照片：“../secret.jpg”不是工作簿所在文件夹里的文件。"
            "请填写照片在工作簿所在文件夹内的路径，如 照片/现场1.jpg，不要用 ..、盘符或以 / 开头。") in result.output


@pytest.mark.parametrize("cell", ["../secret.jpg", "photos/../../secret.jpg", "/etc/hostname", "C:\\photos\\a.jpg",
                                  "..\\secret.jpg"])
def test_a_name_out_of_the_folder_is_refused(tmp_path, sample_rows, schema, cell):
    book = _book(tmp_path / "book", sample_rows, cell)
    [f] = _photo_findings(book, schema)
    assert (f.code, f.severity, f.place) == ("photo_outside", "error", f"项目进度!{PHOTO_COLUMN}2")


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path, sample_rows, schema):
    write_photos(tmp_path / "outside")
    book = _book(tmp_path / "book", sample_rows, "photos/link.jpg")
    (book.parent / "photos" / "link.jpg").symlink_to(tmp_path / "outside" / "photos" / "site-1.jpg")
    [f] = _photo_findings(book, schema)
    assert (f.code, f.severity) == ("photo_outside", "error")


@pytest.mark.parametrize(("cell", "code"), [
    ("javascript:alert(1)", "photo_scheme"), ("file:///etc/hostname", "photo_scheme"),
    ("https://exa mple.gov.cn/a.jpg", "photo_link"),
])
def test_a_link_of_another_scheme_is_refused(tmp_path, sample_rows, schema, cell, code):
    book = _book(tmp_path / "book", sample_rows, cell)
    [f] = _photo_findings(book, schema)
    assert (f.code, f.severity, f.place) == (code, "error", f"项目进度!{PHOTO_COLUMN}2")


def test_javascript_link_message(tmp_path, sample_rows, runner):
    from generator.cli import cli

    book = _book(tmp_path / "book", sample_rows, "javascript:alert(1)")
    result = runner.invoke(cli, ["validate", "--source", str(book), "--as-of", "2022-12-31"])
    assert result.exit_code == 1
    assert (f"错误 项目进度!{PHOTO_COLUMN}2 [javascript:alert(1)]：照片：“javascript:alert(1)”既不是文件名，"
            "也不是以 http:// 或 https:// 开头的链接。") in result.output


def test_a_missing_or_unreadable_file_is_warned_and_left_out(tmp_path, sample_rows, schema):
    book = _book(tmp_path / "book", sample_rows, "photos/none.jpg、photos/text.jpg、photos/site-2.jpg")
    (book.parent / "photos" / "text.jpg").write_text("not an image", encoding="utf-8")
    found = _photo_findings(book, schema)
    assert [(f.code, f.severity, f.place) for f in found] == [
        ("photo_missing", "warning", f"项目进度!{PHOTO_COLUMN}2"), ("photo_unreadable", "warning", f"项目进度!{PHOTO_COLUMN}2")]
    assert found[0].message == "工作簿所在文件夹里没有照片“photos/none.jpg”：该照片不发布"
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    project_id = sample_rows["project_reports"][0]["project_id"]
    assert len(article(built.result.site_dir / "projects" / f"{project_id}.html").find_all("img")) == 1


def test_a_google_source_has_no_folder_and_a_csv_folder_is_its_own(tmp_path):
    assert folder_of("gsheet:1AbCdEfGhIjKlMnOpQrStUvWxYz") is None
    with pytest.raises(PhotoProblem) as problem:
        photo_file("photos/site-1.jpg", None)
    assert problem.value.code == "photo_no_folder"
    assert folder_of(str(tmp_path)) == tmp_path.resolve()
    (tmp_path / "book.xlsx").write_bytes(b"")
    assert folder_of(str(tmp_path / "book.xlsx")) == tmp_path.resolve()


def test_a_workbook_without_the_column_still_builds(tmp_path, sample_rows, schema):
    book = _book(tmp_path / "book", sample_rows, None, photos=False)
    wb = openpyxl.load_workbook(book)
    ws = wb["项目进度"]
    assert ws[f"{PHOTO_COLUMN}1"].value == "照片"
    ws.delete_cols(5)
    wb.save(book)
    assert _photo_findings(book, schema) == []
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    page = built.result.site_dir / "projects" / f"{sample_rows['project_reports'][0]['project_id']}.html"
    assert article(page).find_all("img") == [] and "现场照片" not in article(page).text()


def test_a_full_width_file_name_is_found_though_the_cell_is_folded(tmp_path, sample_rows, schema):
    book = _book(tmp_path / "book", sample_rows, "photos/现场（1）.jpg")
    os.replace(book.parent / "photos" / "site-2.jpg", book.parent / "photos" / "现场（1）.jpg")
    assert _photo_findings(book, schema) == []
    built = build([str(book)], AS_OF, site_dir=tmp_path / "site", docs_dir=tmp_path / "docs")
    project_id = sample_rows["project_reports"][0]["project_id"]
    [img] = article(built.result.site_dir / "projects" / f"{project_id}.html").find_all("img")
    assert (img.attrs["width"], img.attrs["height"]) == ("800", "600")


def test_a_photo_replaced_under_its_name_builds_the_site_again(tmp_path, sample_rows):
    """The workbook unchanged, the file a 照片 cell names replaced: the build key covers the
    photos the last build read, so the site is not kept and shows the new photo."""
    from PIL import Image

    from generator.site.build import DEFAULT_DOCS, copy_handwritten

    book = _book(tmp_path / "book", sample_rows, "photos/site-1.jpg")
    project_id = sample_rows["project_reports"][0]["project_id"]
    site, docs = tmp_path / "site", tmp_path / "docs"
    copy_handwritten(DEFAULT_DOCS, docs)

    def shown() -> set[str]:
        return {img.attrs["src"] for img in article(site / "projects" / f"{project_id}.html").find_all("img")}

    first = build([str(book)], AS_OF, site_dir=site, docs_dir=docs, reuse=True)
    before = shown()
    again = build([str(book)], AS_OF, site_dir=site, docs_dir=docs, reuse=True)
    assert not first.result.kept and again.result.kept
    Image.new("RGB", (640, 480), (200, 30, 30)).save(book.parent / "photos" / "site-1.jpg", "JPEG")
    replaced = build([str(book)], AS_OF, site_dir=site, docs_dir=docs, reuse=True)
    assert not replaced.result.kept
    assert shown() != before and len(shown()) == len(before)
