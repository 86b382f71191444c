"""Run axe-core in the page and report violations that matter; measure that the page does not scroll sideways."""

from axe_playwright_python.sync_playwright import Axe

from tests.browser.layout import assert_fits_viewport

BLOCKING_IMPACTS = {"serious", "critical"}
_axe = Axe()


def blocking_violations(page) -> list[dict]:
    results = _axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
            lines.append(f"       {node.get('html', '')[:200]}")
    return "\n".join(lines)


def assert_no_blocking_violations(page) -> None:
    """No serious or critical axe violation, and (every page type being checked here) no sideways scrolling at a
    desktop width nor at a phone's (tests/browser/layout.py)."""
    violations = blocking_violations(page)
    assert not violations, f"axe found serious or critical violations on {page.url}:\n{describe(violations)}"
    assert_fits_viewport(page)
