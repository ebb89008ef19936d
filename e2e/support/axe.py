"""Accessibility audits with axe-core (the npm package, locked in frontend/package-lock.json).

The rules are WCAG 2.1 A and AA (labels, names, roles, contrast, ...). A violation is returned with
the rule, its impact and the offending elements, so a failing test says what to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def audit(page: Page) -> list[str]:
    """The WCAG 2.1 AA violations of the page as it is now, one readable line each."""
    if not AXE_SCRIPT.is_file():
        raise FileNotFoundError(f"{AXE_SCRIPT} is missing: run `npm ci` in frontend/")
    # Evaluated through the DevTools protocol rather than a <script> tag: the app's Content Security
    # Policy (script-src 'self') rightly refuses inline scripts, and the audit must not weaken it.
    page.evaluate(f"() => {{ {AXE_SCRIPT.read_text()}\n window.axe = axe; }}")
    result = cast(
        "dict[str, Any]",
        page.evaluate(
            "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
        ),
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['html'][:160]}\n      {node['failureSummary']}" for node in v["nodes"][:5])
        for v in result["violations"]
    ]
