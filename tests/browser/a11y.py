"""axe-core (npm devDependency, injected from node_modules) and a 375 px reflow check for browser tests.

WCAG 2.1 A/AA rules only (tags wcag2a, wcag2aa, wcag21a, wcag21aa); docs/accessibility.md says why
and how to run the check by hand.
"""

from __future__ import annotations

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_WIDTH = 375
DESKTOP = {"width": 1280, "height": 900}


def axe_violations(page) -> list[str]:
    """One line per violated rule on the page as it is now: rule, impact and the first offending nodes."""
    if not AXE_SCRIPT.is_file():
        raise AssertionError(f"{AXE_SCRIPT} is missing: run scripts/test.sh (npm ci installs axe-core).")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag would be refused by the site's CSP.
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in result["violations"]
    ]


def sideways_overflow(page) -> int:
    """How many CSS pixels the page is wider than a 375 px viewport (0 when it reflows)."""
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    try:
        return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    finally:
        page.set_viewport_size(DESKTOP)


def audit(page, path: str, status: int = 200) -> list[str]:
    """Open `path`; the problems found: axe at desktop width, then reflow and axe again at 375 px.

    `status` is the HTTP status the page should answer with (error pages are audited too).
    """
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    problems = []
    if response is None or response.status != status:
        problems.append(f"HTTP {response.status if response else '—'}, expected {status}")
    problems += [f"axe@1280: {line}" for line in axe_violations(page)]
    overflow = sideways_overflow(page)
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow}px at {PHONE_WIDTH}px")
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    problems += [f"axe@375: {line}" for line in axe_violations(page)]
    page.set_viewport_size(DESKTOP)
    return [f"{path}: {problem}" for problem in problems]
