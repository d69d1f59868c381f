"""Whether a policy applies to an enterprise, decided as the policy finder
decides it (docs/assets/javascripts/finder.js ``fits`` and ``met``): each of
the policy's lists (适用行业, 适用规模, 适用镇街) is empty or holds the
enterprise's value, and each 申报条件 is held against the enterprise's answer.

The finder asks the enterprise for its answers; here they come from the 企业
sheet, which answers only some conditions (``ANSWERED``). A condition it does not
answer is unknown: it neither fails nor counts as met. The validation's warning
(check/delivery.py) and the internal push lists (render/views/delivery.py) both
use this one function, on plain values, so that they cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass

# 申报条件 (by the role of workbook.yaml roles.condition) that a 企业 row answers,
# and the field that answers it. 成立年限, 员工人数, 营业收入 … are not in the sheet.
ANSWERED = {"above_scale": "above_scale"}


@dataclass(frozen=True)
class Requirement:
    """One 申报条件 by its roles (``condition``: years, above_scale …; ``test``: at_least … yes, no)."""

    condition: str
    test: str
    min: float | None = None
    max: float | None = None
    text: str = ""  # the condition in the sheet's words, for a message


@dataclass(frozen=True)
class Offer:
    """What a policy asks of an enterprise. An empty list fits every value."""

    industries: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class Firm:
    """What the 企业 sheet says of an enterprise."""

    industry: str | None
    size: str | None
    town: str | None
    answers: tuple[tuple[str, float | bool], ...] = ()  # (condition role, answer)


@dataclass(frozen=True)
class Fit:
    outside: tuple[str, ...]  # the lists the enterprise is outside of: industries, sizes, towns
    met: int  # conditions known and met
    failed: tuple[Requirement, ...]  # conditions known and not met
    unknown: int  # conditions the 企业 sheet does not answer

    @property
    def matches(self) -> bool:
        return not self.outside and not self.failed


def met(requirement: Requirement, answer: float | bool) -> bool:
    """finder.js ``met``: a 是/否 answer is True for 是."""
    test = requirement.test
    if test in ("yes", "no"):
        return bool(answer) == (test == "yes")
    value = float(answer)
    if test == "at_least":
        return requirement.min is not None and value >= requirement.min
    if test == "at_most":
        return requirement.max is not None and value <= requirement.max
    if test == "between":
        return requirement.min is not None and requirement.max is not None and requirement.min <= value <= requirement.max
    return False


def fit(offer: Offer, firm: Firm) -> Fit:
    lists = (("industries", offer.industries, firm.industry), ("sizes", offer.sizes, firm.size),
             ("towns", offer.towns, firm.town))
    outside = tuple(name for name, allowed, value in lists if allowed and value not in allowed)
    answers = dict(firm.answers)
    known = [r for r in offer.requirements if r.condition in answers]
    failed = tuple(r for r in known if not met(r, answers[r.condition]))
    return Fit(outside, len(known) - len(failed), failed, len(offer.requirements) - len(known))
