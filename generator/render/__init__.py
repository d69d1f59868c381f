"""Rendering: the model and its figures into Markdown pages under a docs folder."""

from .pages import GENERATED_PATHS, render_public

__all__ = ["GENERATED_PATHS", "render_public"]
