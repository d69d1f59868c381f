"""MkDocs' own build of the staged docs, in this process or in a child started
ahead of time.

Before MkDocs can build a page it spends about a second on work that does not
depend on the pages: importing MkDocs, the theme and the Markdown extensions,
loading the configuration, and loading the dictionary of jieba, which the
search plugin uses to split Chinese text. ``MkDocsAhead`` starts a child
process that does that work while the generator reads, checks and renders, on a
second processor core, and then waits for the staged docs. On a machine with a
single core it would only compete with the generator, so the build runs in
process there.

This module imports nothing of the generator, so that the child starts quickly
(``python -m generator.site.mkdocs_run``).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

RESULT = "nuanqi-mkdocs-result "  # the child's answer: this prefix and a JSON object, one line
AHEAD_VARIABLE = "NUANQI_MKDOCS_AHEAD"  # "0": always in process; "1": always ahead; unset: by cores
PARENT_VARIABLE = "NUANQI_MKDOCS_PARENT"  # the pid of the build that started the child


class MkDocsProblem(Exception):
    """MkDocs refused the configuration (``kind`` "config") or failed to build ("build")."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _quiet() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _quiet_jieba() -> None:
    """jieba (Chinese search, imported by the search plugin with the configuration)
    announces its dictionary on stderr, and sets its logger to DEBUG when imported."""
    logging.getLogger("jieba").setLevel(logging.WARNING)


def mkdocs_build(config_file: Path, docs_dir: Path, site_dir: Path, overrides: dict[str, Any] | None = None) -> list[str]:
    """Build ``docs_dir`` into ``site_dir``; returns MkDocs' warnings, raises MkDocsProblem."""
    _quiet()
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    handler = _Collect()
    log = logging.getLogger("mkdocs")
    log.addHandler(handler)
    try:
        try:
            settings: dict[str, Any] = {"docs_dir": str(docs_dir), "site_dir": str(site_dir), **(overrides or {})}
            cfg = load_config(config_file=str(config_file), **settings)
        except MkDocsException as exc:
            # MkDocs logs what is wrong and then raises a bare "Aborted with a configuration error!".
            raise MkDocsProblem("config", "; ".join(handler.messages) or str(exc)) from exc
        _quiet_jieba()
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        except (MkDocsException, OSError) as exc:
            raise MkDocsProblem("build", str(exc)) from exc
        finally:
            cfg.plugins.on_shutdown()
    finally:
        log.removeHandler(handler)
    return handler.messages


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class MkDocsAhead:
    """A child process that prepares MkDocs while the pages are rendered, then builds them."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    @classmethod
    def start(cls, config_file: Path) -> MkDocsAhead | None:
        """The child, or None where it would not help (one core) or ``NUANQI_MKDOCS_AHEAD=0``."""
        wanted = os.environ.get(AHEAD_VARIABLE, "")
        if wanted == "0" or (wanted != "1" and _usable_cores() < 2):
            return None
        # The child imports this package from where this process did, whatever the working folder.
        here = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "generator.site.mkdocs_run", str(config_file)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, encoding="utf-8", errors="replace",
                env={**os.environ, "PYTHONPATH": path, PARENT_VARIABLE: str(os.getpid())},
            )
        except OSError:  # no process to be had (limits, an odd interpreter): build in process
            return None
        return cls(process)

    def build(self, config_file: Path, docs_dir: Path, site_dir: Path, overrides: dict[str, Any] | None = None) -> list[str]:
        """What ``mkdocs_build`` does, done by the child."""
        job = {"config_file": str(config_file), "docs_dir": str(docs_dir), "site_dir": str(site_dir),
               "overrides": overrides or {}}
        out, err = self.process.communicate(json.dumps(job, ensure_ascii=False) + "\n")
        answer = next((line[len(RESULT):] for line in reversed(out.splitlines()) if line.startswith(RESULT)), None)
        if answer is None:
            last = next((line for line in reversed(err.splitlines()) if line.strip()), "")
            raise MkDocsProblem("build", last or f"exit status {self.process.returncode}")
        result = json.loads(answer)
        if "problem" in result:
            raise MkDocsProblem(result["problem"], result["detail"])
        return list(result["warnings"])

    def close(self) -> None:
        """Stop the child if it is still waiting (the build stopped before MkDocs)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


def _prepare(config_file: Path) -> None:
    """Everything of MkDocs that does not need the pages: imports (the theme, plugins and
    Markdown extensions come in with the configuration) and the search plugin's dictionary.
    Best effort: a configuration MkDocs refuses is reported by the build itself."""
    _quiet()
    from mkdocs.commands import build  # noqa: F401
    from mkdocs.config import load_config

    handler = _Collect()  # nothing MkDocs says now is news: the build says it again
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        load_config(config_file=str(config_file), docs_dir=str(Path(__file__).parent),
                    site_dir=os.path.join(tempfile.gettempdir(), "nuanqi-unused-site"))
    except Exception:  # noqa: BLE001 - see above
        return
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
    jieba = sys.modules.get("jieba")
    if jieba is not None:
        _quiet_jieba()
        jieba.initialize()


def _die_with_parent() -> None:
    """A killed build must not leave its child behind: on Linux the kernel kills
    the child with its parent (PR_SET_PDEATHSIG); everywhere a watcher thread
    ends the child once its parent is gone."""
    expected = os.environ.get(PARENT_VARIABLE)
    if not expected or not expected.isdigit():
        return
    parent = int(expected)
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(3)  # the parent died before the above

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(3)

    threading.Thread(target=watch, name="nuanqi-parent-watch", daemon=True).start()


def main(argv: list[str]) -> int:
    _die_with_parent()
    _prepare(Path(argv[0]))
    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the build stopped before MkDocs
    job = json.loads(line)
    try:
        warnings = mkdocs_build(Path(job["config_file"]), Path(job["docs_dir"]), Path(job["site_dir"]), job["overrides"])
        answer: dict[str, Any] = {"warnings": warnings}
    except MkDocsProblem as exc:
        answer = {"problem": exc.kind, "detail": exc.detail}
    sys.stdout.write(RESULT + json.dumps(answer, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
