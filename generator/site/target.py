"""The site folder a build replaces, and what the build keeps beside it.

A build replaces its whole site folder, so it only ever replaces a folder that
is recognisably the output of one of our builds, or an empty or absent one:

- inside the site, ``BUILD_MARKER`` (``.nuanqi-build.json``) is the *public
  marker*: ``{"generator": "nuanqi", "audience": ..., "build": <random id>}``
  and nothing else — no findings, no inputs, no paths — since everything in the
  site folder is published;
- beside the site, the folder ``.nuanqi-build-<site name>/`` (matched by
  ``.gitignore``'s ``.nuanqi-build-*/``) holds what must not be published:
  ``build.json`` (the build's fingerprint, inputs key, validation findings,
  MkDocs warnings and a survey of the files it wrote, for the skips in
  ``build.py``; valid only while its build id is the one in the site's
  marker), ``lock`` (held by the build running, so two builds never swap at
  once), ``work/`` (the engines' docs folder, configuration and cache, kept
  between builds so that only what changed is built again), the staging
  folders ``stage-*`` (each with the ``pid`` of its build)
  and, for an instant during a swap without ``renameat2``, ``old``.

Anything else — a home folder, ``docs/``, a repository, a file — is refused
(``ConfigError``, exit 2), and so is any folder that holds the project, the
docs, the configuration, a source, the home or the working folder. The marker
records the audience: the internal edition never replaces a public site, nor
the reverse, whatever the path.

The swap is atomic on Linux (``renameat2(RENAME_EXCHANGE)`` exchanges the new
site and the old one in one step; the old one is removed afterwards), so the
site folder is a complete site at every instant and ``python -m http.server -d
site`` keeps serving. Elsewhere it is two renames through ``old``; a crash
between them is repaired by the next run, which puts ``old`` back. The next
run also removes staging folders whose build is gone (killed, power cut), and
those of earlier versions (``.nuanqi-build-XXXXXXXX`` beside the site).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, NuanqiError

if TYPE_CHECKING:
    from ..sources import Source

BUILD_MARKER = ".nuanqi-build.json"
STATE_PREFIX = ".nuanqi-build-"
AUDIENCES = ("public", "internal")
_NAMES = {"public": "公开版", "internal": "内部版"}
_DEFAULT_DIRS = {"public": "site/", "internal": "site-internal/"}
_UNOWNED_AGE = 60.0  # seconds: a staging folder without a pid file is stale after this


def check_location(site: Path, protect: Iterable[tuple[str, Path]]) -> None:
    """Refuse a site folder that is (or holds) one of ``protect`` (what, path)."""
    site = site.resolve()
    if site == Path(site.anchor):
        raise ConfigError(f"不能把站点生成到根目录 {site}：构建会替换整个目录；请用 --site-dir 指定一个单独的目录（如 site/）")
    for what, path in protect:
        path = path.resolve()
        if path == site or path.is_relative_to(site):
            raise ConfigError(f"不能把站点生成到 {site}：其中有{what} {path}，而构建会替换整个站点目录；"
                              "请用 --site-dir 指定一个单独的目录（如 site/）")
    if site.exists() and not site.is_dir():
        raise ConfigError(f"{site} 是一个文件，不是站点目录；请用 --site-dir 指定一个目录")


def default_protected(docs_dir: Path, config_file: Path) -> list[tuple[str, Path]]:
    from ..schema import PROJECT_ROOT

    protect = [("本项目", PROJECT_ROOT), ("页面源目录", docs_dir), ("MkDocs 配置", config_file)]
    with contextlib.suppress(RuntimeError, KeyError, OSError):  # no home, or no working folder any more
        protect.append(("主目录", Path.home()))
    with contextlib.suppress(OSError):
        protect.append(("当前工作目录", Path.cwd()))
    return protect


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    part.replace(path)


def site_marker(site: Path) -> dict[str, Any] | None:
    """Our marker in ``site`` with its audience, or None when there is none.
    A marker of an earlier version (with the findings inside) tells no audience:
    the internal edition is the one with a ledger."""
    marker = _read_json(site / BUILD_MARKER)
    if marker.get("generator") == "nuanqi" and marker.get("audience") in AUDIENCES:
        return marker
    if "fingerprint" in marker:
        return {"generator": "nuanqi", "audience": "internal" if (site / "ledger").is_dir() else "public",
                "build": None}
    return None


def survey(site: Path) -> list[Any]:
    """Every file of the site with its size and modification time: a defaced or
    deleted file shows, without reading any."""
    found: list[Any] = []
    stack = [site]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            else:
                st = entry.stat(follow_symlinks=False)
                found.append([Path(entry.path).relative_to(site).as_posix(), st.st_size, st.st_mtime_ns])
    return sorted(found)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # no harmless way to ask: the folder waits for a POSIX run
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(folder: Path) -> bool:
    """A staging folder whose build is gone."""
    try:
        return not _alive(int((folder / "pid").read_text(encoding="ascii").strip()))
    except (OSError, ValueError):
        pass
    try:
        return time.time() - folder.stat().st_mtime > _UNOWNED_AGE
    except OSError:
        return False


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where that is not to be had."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class SiteTarget:
    """A site folder and its build folder beside it."""

    def __init__(self, site: Path) -> None:
        self.site = site.resolve()
        self.state_dir = self.site.with_name(STATE_PREFIX + self.site.name)
        self.state_file = self.state_dir / "build.json"
        self.old = self.state_dir / "old"
        # The engines' folder, kept between builds: docs/ (the pages, rewritten only
        # where they changed), and Zensical's configuration and cache (site/zensical_run.py).
        self.work = self.state_dir / "work"
        self.legacy_old = self.site.with_name(f".{self.site.name}.old")  # earlier versions' swap

    # -- what is there -------------------------------------------------------

    def check(self, audience: str, *, replacing: bool = True) -> None:
        """Refuse to build ``audience`` here: a site of the other audience, or
        (``replacing``) a folder that is not ours and not empty."""
        marker = site_marker(self.site) if self.site.is_dir() else None
        recorded = _read_json(self.state_file).get("audience")
        other = marker.get("audience") if marker else recorded if not self.site.exists() else None
        if other in AUDIENCES and other != audience:
            raise ConfigError(
                f"{self.site} 中是{_NAMES[other]}站点，{_NAMES[audience]}不能生成到这里（会替换它）；"
                f"请用 --site-dir 指定另一个目录（默认 {_DEFAULT_DIRS[audience]}）")
        if not replacing or marker is not None or not self.site.exists():
            return
        if not self.site.is_dir():
            raise ConfigError(f"{self.site} 是一个文件，不是站点目录；请用 --site-dir 指定一个目录")
        if any(self.site.iterdir()):
            raise ConfigError(
                f"{self.site} 不是本系统生成的站点目录（其中没有构建标记 {BUILD_MARKER}），构建会替换整个目录，"
                "为免删除其中的文件而停止；请用 --site-dir 指定一个空目录或新目录，或先把这个目录移走")

    def state(self) -> dict[str, Any]:
        """What the build that made the site in place stored beside it, when it
        is still that site, file for file; else {}."""
        marker = site_marker(self.site) if self.site.is_dir() else None
        state = _read_json(self.state_file)
        if not marker or not marker.get("build") or state.get("build") != marker["build"]:
            return {}
        if state.get("survey") != survey(self.site):
            return {}
        return state

    def write_state(self, state: dict[str, Any]) -> None:
        self.state_dir.mkdir(exist_ok=True)
        _write_json(self.state_file, state)

    @staticmethod
    def mark(stage_site: Path, audience: str, fingerprint: str) -> str:
        """Write the public marker into a built site; returns its build id, a
        digest of the build's fingerprint (the same pages give the same marker;
        nothing of the inputs can be read from it)."""
        build = hashlib.sha256(f"nuanqi site\n{audience}\n{fingerprint}".encode()).hexdigest()[:16]
        _write_json(stage_site / BUILD_MARKER, {"generator": "nuanqi", "audience": audience, "build": build})
        return build

    # -- the build -----------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Held while a build prepares, builds and swaps this site."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            yield
            return
        with open(self.state_dir / "lock", "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise NuanqiError(f"另一个构建正在写入 {self.site}；请等它结束后再试") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def recover(self) -> None:
        """Repair what an interrupted build left: the old site put back when the
        swap stopped between its renames, stale staging folders removed."""
        for old in (self.old, self.legacy_old):
            if not old.is_dir() or (old == self.legacy_old and site_marker(old) is None):
                continue
            if self.site.exists():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.rename(self.site)
        if self.state_dir.is_dir():
            for stage in self.state_dir.glob("stage-*"):
                if stage.is_dir() and _stale(stage):
                    shutil.rmtree(stage, ignore_errors=True)
        self._remove_legacy_stages()

    def _remove_legacy_stages(self) -> None:
        """Staging folders of earlier versions, beside the site: docs/ and site/ only."""
        for folder in self.site.parent.glob(STATE_PREFIX + "*"):
            if folder == self.state_dir or folder == self.site or not folder.is_dir() or folder.is_symlink():
                continue
            names = {p.name for p in folder.iterdir()}
            if names and not names <= {"docs", "site", "pid"}:
                continue  # the build folder of another site, or not ours
            if (names and "pid" not in names) or _stale(folder):
                shutil.rmtree(folder, ignore_errors=True)

    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh staging folder beside the site (same file system), with our pid."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix="stage-", dir=self.state_dir))
        try:
            (stage / "pid").write_text(str(os.getpid()), encoding="ascii")
            yield stage
        finally:
            shutil.rmtree(stage, ignore_errors=True)

    def swap(self, new: Path) -> None:
        """Put the built site ``new`` in place of the site folder."""
        self.site.parent.mkdir(parents=True, exist_ok=True)
        if not self.site.exists():
            new.rename(self.site)
        elif _exchange(new, self.site):
            shutil.rmtree(new, ignore_errors=True)  # now the old site
        else:
            if self.old.exists():
                shutil.rmtree(self.old)
            self.site.rename(self.old)
            try:
                new.rename(self.site)
            except OSError:
                self.old.rename(self.site)
                raise
            shutil.rmtree(self.old, ignore_errors=True)
        _sync_folder(self.site.parent)


@contextlib.contextmanager
def environment_errors(site: Path) -> Iterator[None]:
    """A folder that cannot be written (permissions, read-only, full disk) is
    the operator's to fix, not a bug: say which and what to do."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or site
        reason = exc.strerror or str(exc)
        raise NuanqiError(f"无法写入 {where}（{reason}）；请检查该目录是否存在、可写、磁盘是否已满，"
                          "或用 --site-dir 指定另一个目录") from exc


def _check_reserved(site: Path, audience: str, docs: Path) -> None:
    """No site inside the docs folder (MkDocs would read it as pages), and the
    internal edition never at, in or around the public site's default folder,
    even before a public site was built there."""
    from ..schema import PROJECT_ROOT

    public = (PROJECT_ROOT / _DEFAULT_DIRS["public"]).resolve()
    if audience == "internal" and (site == public or site.is_relative_to(public) or public.is_relative_to(site)):
        raise ConfigError(f"内部版不能生成到公开站点目录 {public}；请用 --site-dir 指定另一个目录（默认 site-internal/）")
    if site.is_relative_to(docs):
        raise ConfigError(f"不能把站点生成到页面源目录 {docs} 中；请用 --site-dir 指定另一个目录")


def check_before_build(
    site: Path, audience: str, *, sources: Iterable[Source], docs_dir: Path, config_file: Path,
    published_dir: Path | None = None, templates: Path | None = None,
) -> None:
    """What ``pipeline.build`` checks before reading anything: the site folder's
    place and audience, and the repair of an interrupted build (so that an
    unchanged site can be kept). Whether the folder is ours is left to the
    build, after the data was checked: invalid data says so first."""
    from ..sources import CsvFolder, WorkbookFile

    protect = default_protected(docs_dir, config_file)
    for source in sources:
        if isinstance(source, CsvFolder):
            protect.append(("数据源", source.path))
        elif isinstance(source, WorkbookFile):
            protect.append(("数据源", source.path.parent))
    protect += [(what, path) for what, path in (("定稿目录", published_dir), ("模板目录", templates)) if path]
    check_location(site, protect)
    _check_reserved(site.resolve(), audience, docs_dir.resolve())
    target = SiteTarget(site)
    if target.state_dir.is_dir() or target.legacy_old.is_dir():
        with environment_errors(target.site), target.locked():
            target.recover()
    target.check(audience, replacing=False)
