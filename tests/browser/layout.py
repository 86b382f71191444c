"""Horizontal overflow: no page may be wider than the window, at a desktop width or at a phone's.

A table wider than the window is fine inside its scroll box (`.table-wrapper`); what is not fine is the document itself
scrolling sideways (text cut at 375 px, a hidden label escaping a scroll box). `assert_fits_viewport(page)` measures
`document.documentElement.scrollWidth` at each width and, when it is too wide, names the elements that stick out.
"""

WIDTHS = (1280, 375)

# The innermost elements whose right edge passes the window, counting only the boxes that really clip them: an
# absolutely positioned element escapes the scroll boxes between it and its containing block (its nearest positioned
# ancestor) — the way a visually hidden label escapes a table's scroll box.
_CULPRITS = """(width) => {
  const clipped = (el) => {
    const own = getComputedStyle(el).position;
    if (own === "fixed") return true;
    let escaping = own === "absolute";
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      const positioned = style.position !== "static" || style.transform !== "none";
      if ((!escaping || positioned) && style.overflowX !== "visible") return true;
      if (positioned) escaping = false;
      if (style.position === "absolute") escaping = true;
      if (style.position === "fixed") return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !clipped(el)) found.push(el);
  }
  const innermost = found.filter((el) => !found.some((other) => other !== el && el.contains(other)));
  return innermost.slice(0, 8).map((el) => {
    const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes.map((c) => "." + c).join("");
    return name + " (right edge " + Math.round(el.getBoundingClientRect().right) + " px): " +
      (el.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 60);
  });
}"""


def overflow(page, width: int) -> tuple[int, list[str]]:
    """(document width, elements sticking out) with the window `width` pixels wide."""
    height = (page.viewport_size or {}).get("height", 900)
    page.set_viewport_size({"width": width, "height": height})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    culprits = page.evaluate(_CULPRITS, width) if scroll_width > width else []
    return scroll_width, culprits


def assert_fits_viewport(page, widths=WIDTHS) -> None:
    """The page never scrolls sideways at any of `widths`; the window gets its first size back afterwards."""
    original = page.viewport_size
    try:
        problems = []
        for width in widths:
            scroll_width, culprits = overflow(page, width)
            if scroll_width > width:
                problems.append(f"at {width} px the page is {scroll_width} px wide:\n    " + "\n    ".join(culprits))
        assert not problems, f"{page.url} scrolls sideways\n" + "\n".join(problems)
    finally:
        if original:
            page.set_viewport_size(original)
