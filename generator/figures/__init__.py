"""Figures computed from the ledger (site.md, "Definitions of the figures")."""

from .ledger import Figures, headline, period_figures

__all__ = ["Figures", "headline", "period_figures"]
