"""What the browser tests check on a page: axe-core's WCAG 2.2 AA rules and target sizes.

Shared helpers live in a module, not in ``conftest.py``: pytest loads a conftest itself, so
importing from one runs it twice under two names and hides where a helper comes from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = sorted((Path(__file__).parent / "vendor").glob("axe-*.min.js"))[-1]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Any) -> list[str]:
    """Run axe-core with the WCAG 2.2 AA tags (target size runs only with wcag22aa)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes']][:3]})"
        for v in result["violations"]
    ]


SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (el.type === 'hidden' || el.hidden || el.closest('[hidden]')) continue;
    if (el.classList.contains('govuk-skip-link')) continue;  // full size whenever focused
    // WCAG 2.5.8's inline exception: a link inside a sentence is sized by the text around it.
    if (el.tagName === 'A' && el.closest('p, li, dd, .govuk-summary-list__actions')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered (e.g. skip link off-screen)
    if (box.width < 24 || box.height < 24) {
      small.push(`${el.outerHTML.slice(0, 80)} ${box.width}x${box.height}`);
    }
  }
  return small;
}"""


def small_targets(page: Any) -> list[str]:
    """Interactive elements smaller than 24 x 24 CSS pixels (WCAG 2.2 2.5.8)."""
    return list(page.evaluate(SMALL_TARGETS))
