"""How a command ends when something goes wrong: a message staff can act on
and an exit code (site.md: 1 the data is invalid, 2 usage, configuration,
source or network trouble), never a traceback. Used by every command of cli.py."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from .errors import DataInvalid, NuanqiError
from .i18n import _


def _echo_site_kept(exc: Exception) -> None:
    """After a failed build: the site as it was (builds swap a finished site in, or nothing)."""
    site = getattr(exc, "site_dir", None)
    if site is None:
        return
    if (site / "index.html").is_file():
        click.echo(_("The site was not changed: {site} still holds the last site built.").format(site=site), err=True)
    else:
        click.echo(_("No site was built."), err=True)


@contextlib.contextmanager
def building(site_dir: Path) -> Iterator[None]:
    """A failure in here names the site it left as it was (``_echo_site_kept``)."""
    try:
        yield
    except (DataInvalid, NuanqiError) as exc:
        exc.site_dir = site_dir  # type: ignore[attr-defined]
        raise


def reports_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our exceptions into a message and an exit code, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DataInvalid as exc:
            click.echo(str(exc), err=True)
            _echo_site_kept(exc)
            sys.exit(exc.exit_code)
        except NuanqiError as exc:
            click.echo(_("Error: {message}").format(message=exc), err=True)
            _echo_site_kept(exc)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(_("Interrupted."), err=True)
            sys.exit(2)
        except OSError as exc:
            # The machine, not our code: a read-only or full disk, a missing
            # permission. Staff can act on the path and the system's reason.
            click.echo(_("Error: cannot use {path}: {reason}").format(
                path=exc.filename or "", reason=exc.strerror or exc), err=True)
            sys.exit(2)
        except Exception as exc:  # a bug of ours: say so plainly, no traceback for staff
            click.echo(_("Internal error ({kind}: {message}). Please report it to the maintainers.").format(
                kind=type(exc).__name__, message=exc), err=True)
            sys.exit(2)

    return wrapper


# click's own words (help, usage errors) go through the staff's catalogue too:
# "Show this message and exit." or "No such option" in English on a Chinese
# command line is the kind of thing staff cannot act on. click looks its texts
# up with gettext at the call (``_`` and ``ngettext`` of each of its modules).
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types")


def _plural(singular: str, plural: str, n: int) -> str:
    return _(singular if n == 1 else plural)


def speak_the_staffs_language() -> None:
    """Give click's modules our gettext; call before the commands are declared."""
    import importlib

    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _plural  # type: ignore[attr-defined]
