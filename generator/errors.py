"""Exceptions. Each message names the place, in words staff can act on.

Exit codes (site.md): 1 the data is invalid, 2 usage, configuration, source
or network trouble.
"""

from __future__ import annotations


class NuanqiError(Exception):
    exit_code = 2


class ConfigError(NuanqiError):
    """The project's own configuration (schema, mkdocs.yml, templates) is wrong."""


class SourceError(NuanqiError):
    """A source cannot be opened or read: missing file, not a spreadsheet, no access."""


class BuildError(NuanqiError):
    """MkDocs failed, or the built output failed a safety check."""


class LeakError(BuildError):
    """An internal value was found in the public output."""


class DataInvalid(NuanqiError):
    """The workbook has errors; the report says where."""

    exit_code = 1
