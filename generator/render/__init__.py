"""Rendering: the model and its figures into Markdown pages under a docs folder."""

from .pages import render_public
from .writer import GENERATED_PATHS

__all__ = ["GENERATED_PATHS", "render_public"]
