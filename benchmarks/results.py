"""What one benchmark run records (``Run``), and where: ``benchmarks/results/<scale>.json``,
with the machine it ran on. ``run`` writes these, ``report`` reads them."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS_DIR = HERE / "results"
RESULTS_MD = HERE / "RESULTS.md"
NOTES_MD = HERE / "notes.md"
SCALES = ("district", "province")
PACKAGES = ("mkdocs", "mkdocs-material", "zensical", "python-calamine", "openpyxl", "xlsxwriter", "frictionless", "jinja2")


@dataclass
class Run:
    """One child process."""

    label: str
    command: list[str]
    wall: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0
    returncode: int | None = None
    timed_out: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # step -> wall seconds
    step_cpu: dict[str, float] = field(default_factory=dict)  # step -> CPU seconds
    info: dict[str, Any] = field(default_factory=dict)
    when: str = ""
    load: float = 0.0  # 1-minute load average when it started
    harness: str = ""  # the benchmarks.run command that measured it
    commit: str = ""  # git HEAD when it started ("+" when the working tree had other changes)

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.returncode is not None



def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        memory = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return {
        "nproc": len(os.sched_getaffinity(0)), "cpu": model or platform.processor(), "memory": memory,
        "python": platform.python_version(), "platform": platform.platform(), "packages": versions,
    }


def load_results(scale: str) -> dict[str, Any]:
    path = RESULTS_DIR / f"{scale}.json"
    if path.exists():
        return json.loads(path.read_text())
    return {"scale": scale, "runs": {}}


def save_results(scale: str, runs: dict[str, Run], command: str) -> dict[str, Any]:
    data = load_results(scale)
    data["machine"] = machine()
    data["command"] = command
    data["updated"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    for run in runs.values():
        run.harness = command
    data["runs"].update({k: asdict(v) for k, v in runs.items()})
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / f"{scale}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return data
