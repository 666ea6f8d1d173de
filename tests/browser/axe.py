"""axe-core, the accessibility checker, run inside the browser suite's pages.

``assert_no_axe_violations(page)`` runs every axe-core rule (WCAG 2 A and AA,
and the best practices) on the page as it stands and fails on a violation of
any impact, naming each rule, the elements and what is wrong with them. The
axe-core script comes with the ``axe-playwright-python`` package (pinned in
pyproject.toml); it is injected through Playwright, which the page's
Content-Security-Policy does not apply to.

Use it on any page a test has opened, after whatever the page builds with
JavaScript is in place (e.g. after an ``expect(...).to_be_visible()``)::

    page.goto(live + url)
    assert_no_axe_violations(page)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_AXE = Axe()  # reads the bundled axe.min.js once
MAX_NODES_SHOWN = 5


def axe_violations(
    page: Page, *, context: Any = None, rules: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """axe-core's violations on ``page``: ``context`` is a CSS selector to check only a part,
    ``rules`` axe rule ids to check only those (e.g. ``["color-contrast"]``)."""
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": list(rules)}
    results = _AXE.run(page, context=context, options=options)
    return list(results.response["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """One paragraph per rule broken: impact, rule, help, and the elements at fault."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['impact']}: {violation['id']} — {violation['help']} "
            f"({len(violation['nodes'])} element(s); {violation['helpUrl']})"
        )
        for node in violation["nodes"][:MAX_NODES_SHOWN]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, *, context: Any = None, rules: Sequence[str] = ()) -> None:
    """Fail with axe-core's findings when the page breaks any of its rules, whatever the impact."""
    violations = axe_violations(page, context=context, rules=rules)
    assert not violations, (
        f"axe-core found {len(violations)} rule(s) broken on {page.url}:\n{describe(violations)}"
    )
