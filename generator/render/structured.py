"""Machine-readable policy pages: schema.org ``GovernmentService`` as JSON-LD.

The JSON goes into a ``<script type="application/ld+json">`` block of the page.
Cell text is untrusted: ``<``, ``>`` and ``&`` (and the line separators) are
written as JSON escapes, so no cell can close the script element, open an HTML
comment or look like markup to Markdown; a JSON reader gets the text back as it
was. URLs are only those the check accepted at their cell (``safe_url``).
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..model import Department, Policy
from .escape import safe_url

_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(data: Any) -> Markup:
    """JSON fit for the inside of a script element: one line, nothing in it can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return Markup(text.translate(_SCRIPT_SAFE))


def _url(value: str | None) -> str | None:
    # safe_url returns the URL HTML-escaped; a URL the check accepted has nothing to escape.
    text = str(safe_url(value))
    return value.strip() if text and value else None


def _organization(d: Department) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "GovernmentOrganization", "name": d.name}
    if d.phone:
        org["telephone"] = d.phone
    if d.address:
        org["address"] = {"@type": "PostalAddress", "streetAddress": d.address}
    if url := _url(d.website):
        org["url"] = url
    return org


def providers(policy: Policy, departments: dict[str, Department]) -> list[Department]:
    """The departments that provide the service: the issuer when it is a department,
    then those of the steps, each once, in order."""
    out = [d for d in departments.values() if d.name == policy.issuer][:1]
    for s in policy.steps:
        d = departments.get(s.dept_id)
        if d is not None and d not in out:
            out.append(d)
    return out


def processing_days(policy: Policy) -> int | None:
    """承诺期限, or else the steps' promised days when every step has them."""
    if policy.promised_days is not None:
        return policy.promised_days
    if policy.steps and all(s.days is not None for s in policy.steps):
        return policy.total_days()
    return None


def _channel(policy: Policy) -> dict[str, Any] | None:
    channel: dict[str, Any] = {"@type": "ServiceChannel", "name": "办理渠道"}
    if url := _url(policy.online_url):
        channel["serviceUrl"] = url
    if policy.phone:
        channel["servicePhone"] = {"@type": "ContactPoint", "telephone": policy.phone, "contactType": "咨询电话"}
    if policy.venue:
        channel["serviceLocation"] = {
            "@type": "Place", "name": policy.venue,
            "address": {"@type": "PostalAddress", "streetAddress": policy.venue},
        }
    if policy.office_hours:
        channel["description"] = policy.office_hours
    days = processing_days(policy)
    if days is not None:
        # ISO 8601 duration; the sheet counts working days (工作日), schema.org has no such unit.
        channel["processingTime"] = f"P{days}D"
    return channel if len(channel) > 2 else None


def government_service(policy: Policy, departments: dict[str, Department], district: str) -> dict[str, Any]:
    """The policy as a schema.org GovernmentService (only its public fields)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": policy.title,
        "description": policy.benefit,
        "serviceType": policy.category,
    }
    orgs = [_organization(d) for d in providers(policy, departments)]
    data["provider"] = orgs or [{"@type": "GovernmentOrganization", "name": policy.issuer}]
    if district:
        data["areaServed"] = {"@type": "AdministrativeArea", "name": district}
    if policy.towns:
        data["areaServed"] = [{"@type": "AdministrativeArea", "name": t} for t in policy.towns]
    if channel := _channel(policy):
        data["availableChannel"] = channel
    return data


def policy_jsonld(policy: Policy, departments: dict[str, Department], district: str) -> Markup:
    return script_json(government_service(policy, departments, district))
