"""The sample's 揭榜挂帅 and 揭榜挂帅进度 rows, from a random stream of their own
(the other sheets' cells do not change), and the example's photos: a few JPEGs
drawn here, each carrying a made-up GPS position in its EXIF, so that the demo
shows photos and the tests can prove the position is gone from the site.

The photo files are named in 照片 cells only by ``write_sample`` (the example
workbook), which writes them beside the workbook; ``generate`` leaves 照片
empty, so that rows written elsewhere (tests, benchmarks) name no missing file.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageDraw

from ...schema import WorkbookSchema

Rows = list[dict[str, Any]]

CHALLENGE_COUNTS = {"district": 10, "province": 300}
CHALLENGE_TOPICS = [
    "船用高性能防腐涂料", "远洋渔船节能推进系统", "海工装备焊接机器人", "水产品精深加工工艺", "智能仓储调度算法",
    "石化装置泄漏在线监测", "船舶尾气脱硫装置", "海洋生物医用材料", "港口集装箱无人转运", "冷链物流能耗优化",
]
SOLVERS = ["浙江海洋大学（示例）", "浙江大学舟山海洋研究中心（示例）", "中国科学院某研究所（示例）",
           "浙江工业大学（示例）", "舟山市工程师协同创新中心（示例）"]
PROGRESS = ["完成需求对接", "完成方案论证", "完成小试", "完成中试", "样机试运行", "通过验收"]
# The example's photos, beside the workbook: (file name, size). Two are larger than the
# site publishes (1600 px), so the demo and the tests show them resized.
PHOTO_FOLDER = "photos"
PHOTO_FILES = (("site-1.jpg", (2400, 1800)), ("site-2.jpg", (2000, 1500)), ("site-3.jpg", (1200, 900)))
PHOTO_LINK = "https://www.example.gov.cn/photos/challenge-1.jpg"


def challenges(scale: str, seed: int, schema: WorkbookSchema, enterprises: Rows) -> dict[str, Rows]:
    names = {s.name for s in schema.sheets}
    if "challenge_projects" not in names:
        return {}
    rng = random.Random(f"{seed}-challenges")
    # A 榜 is published by the enterprise itself: the sample's issuers consented to their names being shown.
    issuers = [e for e in enterprises if e.get("publish_name") == "是"] or enterprises
    projects: Rows = []
    reports: Rows = []
    for i in range(CHALLENGE_COUNTS.get(scale, 10)):
        challenge_id = f"JB{i + 1:03d}"
        start = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
        stage = rng.randrange(len(PROGRESS))
        projects.append({
            "challenge_id": challenge_id,
            "name": f"{CHALLENGE_TOPICS[i % len(CHALLENGE_TOPICS)]}研发{'' if i < len(CHALLENGE_TOPICS) else f'（{i + 1}）'}",
            "enterprise_id": rng.choice(issuers)["enterprise_id"],
            "solver": rng.choice(SOLVERS),
            "funding": rng.randrange(150, 600) * 10_000,
            "start_on": start, "end_on": start + dt.timedelta(days=rng.choice([365, 540, 730])),
            "progress": PROGRESS[stage],
        })
        if "challenge_reports" in names:
            day = start + dt.timedelta(days=rng.randrange(20, 40))
            for step in range(stage + 1):
                if day > dt.date(2022, 12, 31):
                    break
                reports.append({"challenge_id": challenge_id, "report_on": day, "progress": PROGRESS[step]})
                day += dt.timedelta(days=rng.randrange(28, 70))
    return {"challenge_projects": projects, **({"challenge_reports": reports} if "challenge_reports" in names else {})}


def add_photos(rows: dict[str, Rows]) -> None:
    """The example's 照片 cells: the latest reports of the first key projects and the
    first 揭榜挂帅 projects' reports name the files of PHOTO_FILES, one a link."""
    files = [f"{PHOTO_FOLDER}/{name}" for name, _size in PHOTO_FILES]
    latest: dict[str, dict[str, Any]] = {}
    for report in rows.get("project_reports", []):
        latest[report["project_id"]] = report
    for n, report in enumerate(list(latest.values())[:3]):
        report["photos"] = "、".join(files[n:n + 2])
    for n, report in enumerate(rows.get("challenge_reports", [])[:3]):
        report["photos"] = files[n % len(files)] if n else f"{files[0]}、{PHOTO_LINK}"


def write_photos(folder: Path) -> None:
    """The JPEGs of PHOTO_FILES in ``folder``/photos, each with a made-up GPS position."""
    target = folder / PHOTO_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for number, (name, size) in enumerate(PHOTO_FILES):
        image = Image.new("RGB", size, (120 + 40 * number, 160, 200 - 40 * number))
        draw = ImageDraw.Draw(image)
        w, h = size
        draw.rectangle((w // 8, h // 2, w * 7 // 8, h * 7 // 8), fill=(90, 90, 100))  # a building
        draw.rectangle((w // 4, h // 4, w // 3, h // 2), fill=(200, 80, 40))  # a crane
        exif = Image.Exif()
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps[ExifTags.GPS.GPSLatitude] = (30.0, 1.0, 12.0 + number)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps[ExifTags.GPS.GPSLongitude] = (122.0, 6.0, 30.0)
        exif[ExifTags.Base.Make] = "Example camera"
        image.save(target / name, "JPEG", quality=60, exif=exif)
