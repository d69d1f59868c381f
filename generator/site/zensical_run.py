"""Zensical's build of the rendered docs, the other engine beside MkDocs.

Zensical (the successor of Material for MkDocs, by its authors) reads the same
``mkdocs.yml`` and ``docs/``. Its command line takes only a configuration
file, whose folder is the project root: ``docs_dir`` and ``site_dir`` must lie
inside it, and its cache (``.cache/``) is kept there. So the build gives it a
folder of its own beside the site (``SiteTarget.work``), the same each time:

- ``docs/``: the rendered pages and the hand-written ones, rewritten only where
  their content changed (``render/writer.py``), so that unchanged files keep
  their modification time, which is what Zensical's cache keys on (a page with
  the same content but a new modification time is built again);
- ``mkdocs.yml``: the project's configuration as it is, with ``docs_dir``,
  ``site_dir``, the theme's ``custom_dir`` made to point at the right places,
  and the build's overrides (the internal edition's nav and name);
- ``site/``: Zensical's output, moved into the staging folder after each build.

Zensical runs in a child process (``python -m zensical build``): it prints its
progress and findings on the terminal, which the build turns into warnings.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from .mkdocs_run import MkDocsProblem

ENGINES = ("zensical", "mkdocs")
DEFAULT_ENGINE = "zensical"
ENGINE_VARIABLE = "NUANQI_ENGINE"  # the engine when --engine is not given
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PLACE = re.compile(r"\[\s*(\S+:\d+:\d+)\s*\]")


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml as MkDocs reads it, with ``!ENV``; any other tag is refused."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode) and node.value:
        *items, last = node.value
        names = [loader.construct_scalar(n) for n in items] if items else [loader.construct_scalar(last)]
        default = loader.construct_object(last) if items else None
    else:
        raise yaml.constructor.ConstructorError(None, None, "!ENV needs a name or a list", node.start_mark)
    for name in names:
        if str(name) in os.environ:
            return yaml.safe_load(os.environ[str(name)])
    return default


_ConfigLoader.add_constructor("!ENV", _env_tag)


def engine_config(config_file: Path, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """The configuration Zensical is given: the project's, with its relative theme
    folder made absolute, and the overrides. MkDocsProblem("config") when the
    file cannot be read."""
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506 - SafeLoader
    except (OSError, yaml.YAMLError) as exc:
        raise MkDocsProblem("config", str(exc)) from exc
    if not isinstance(config, dict):
        raise MkDocsProblem("config", f"{config_file}: not a mapping")
    if isinstance(config.get("INHERIT"), str):
        config["INHERIT"] = str((config_file.parent / config["INHERIT"]).resolve())
    theme = config.get("theme")
    if isinstance(theme, dict) and isinstance(theme.get("custom_dir"), str):
        config["theme"] = {**theme, "custom_dir": str((config_file.parent / theme["custom_dir"]).resolve())}
    config.update(overrides or {})
    config["docs_dir"], config["site_dir"] = "docs", "site"
    return config


def write_if_changed(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    path.write_bytes(data)


def warnings_of(stderr: str) -> list[str]:
    """Zensical's findings ("Warning: page does not exist" and the place it
    names on a following line), as one line each: "help/index.md:78:5: …"."""
    found: list[str] = []
    lines = [_ANSI.sub("", line) for line in stderr.splitlines()]
    for i, line in enumerate(lines):
        if not line.startswith("Warning:"):
            continue
        message = line[len("Warning:"):].strip()
        place = next((m.group(1) for m in map(_PLACE.search, lines[i + 1:i + 3]) if m), None)
        found.append(f"{place}: {message}" if place else message)
    return found


def _error_of(stdout: str, stderr: str, returncode: int) -> str:
    """Zensical's "Error: …", else the last line it wrote on stderr (a Python
    exception's, when a template fails), else on stdout."""
    err = [_ANSI.sub("", line).strip() for line in stderr.splitlines()]
    errors = [line.removeprefix("Error:").strip() for line in err if line.startswith("Error:")]
    if errors:
        return errors[-1]
    out = [_ANSI.sub("", line).strip() for line in stdout.splitlines()]
    last = next((line for line in [*reversed(err), *reversed(out)] if line), "")
    return last or f"exit status {returncode}"


def zensical_build(config_file: Path, work: Path, site_dir: Path, overrides: dict[str, Any] | None = None) -> list[str]:
    """Build ``work/docs`` into ``site_dir`` with Zensical, its cache kept in
    ``work``; returns its warnings, raises MkDocsProblem."""
    config = engine_config(config_file, overrides)
    engine_file = work / "mkdocs.yml"
    write_if_changed(engine_file, yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    out = work / "site"
    shutil.rmtree(out, ignore_errors=True)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "zensical", "build", "-f", str(engine_file)], cwd=work,
            capture_output=True, text=True, encoding="utf-8", errors="replace",
            env={**os.environ, "NO_COLOR": "1"}, stdin=subprocess.DEVNULL,
        )
    except OSError as exc:
        raise MkDocsProblem("build", str(exc)) from exc
    if proc.returncode != 0 or not out.is_dir():
        # Zensical checks the configuration before it says "Build started".
        kind = "build" if "Build started" in proc.stdout else "config"
        raise MkDocsProblem(kind, _error_of(proc.stdout, proc.stderr, proc.returncode))
    out.rename(site_dir)
    return warnings_of(proc.stderr)
