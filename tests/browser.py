"""Helpers for the accessibility and HTML gate (tests/test_browser.py).

Everything a check needs from outside Python is installed by ``scripts/test``: Chromium (Debian's
``chromium`` package, driven by the Python ``playwright`` package, never by ``playwright install``),
Java, and ``node_modules/`` (axe-core and the Nu Html Checker, pinned in package.json). A missing
tool is a failure with a clear message, not a skip.

Each ``*_problems`` function takes a Playwright page that is already on the page to check and
returns a list of readable problems (empty when the page passes), so the same code checks the built
site and the deliberately broken pages of the self-tests.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SKIP_LINK_TEXT = "Aller au contenu"
SETUP_HINT = (
    "run ./scripts/test once: it installs Chromium (apt), Java and node_modules/ (npm ci) "
    "before running the suite"
)

DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 320, "height": 640}  # WCAG 1.4.10 reflow: 320 CSS px
ZOOM = {"width": 640, "height": 800}  # 200 % text (WCAG 1.4.4) on a 1280 px screen zoomed to 200 %


def missing_tools(*, browser: bool = True, java: bool = False) -> list[str]:
    """What the browser (or HTML conformance) checks need and cannot find."""
    missing: list[str] = []
    if browser:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing.append("the Python package playwright (pip install -e '.[test]')")
        if not CHROMIUM.is_file():
            missing.append(f"{CHROMIUM} (apt-get install chromium)")
        if not AXE_JS.is_file():
            missing.append(f"{_shown(AXE_JS)} (npm ci)")
    if java:
        if shutil.which("java") is None:
            missing.append("java (apt-get install default-jre-headless)")
        if not VNU_JAR.is_file():
            missing.append(f"{_shown(VNU_JAR)} (npm ci)")
    return missing


def _shown(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)


def missing_message(missing: list[str]) -> str:
    return "the accessibility checks cannot run, missing: " + "; ".join(missing) + f" — {SETUP_HINT}"


# ---------------------------------------------------------------------------------------------
# Local server and browser
# ---------------------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 (a free port) in a thread; yields the origin ``http://127.0.0.1:N``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {root}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def launch(playwright):  # -> playwright.sync_api.Browser
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def page_url(origin: str, path: str) -> str:
    """``lieux/adil03/index.html`` → ``ORIGIN/lieux/adil03/``; ``404.html`` → ``ORIGIN/404.html``."""
    if path == "index.html":
        return origin + "/"
    if path.endswith("/index.html"):
        return f"{origin}/{path[: -len('index.html')]}"
    return f"{origin}/{path}"


class Opener:
    """Loads pages in one reused tab per browser context (with and without JavaScript).

    Every request outside 127.0.0.1 is aborted by a route handler and kept: in ``outside`` for
    the current test (cleared by ``reset()``) and in ``outside_by_page`` for the whole session.
    Only those requests are routed (``OUTSIDE``): routing a local request costs a round trip
    through Python, and the site's own requests need none.

    To keep the gate fast, the same two tabs serve the whole session, and loads are shared: each
    load of the site is remembered in ``loaded`` (page, JavaScript, viewport width), the titles
    seen without JavaScript in ``titles`` and, on the first load with JavaScript at 1280 px in
    light mode, what the read-only checks see in ``snapshots`` (structure, text of <main>). Each
    ``open`` is a fresh navigation: nothing a check did to the document (injected script, focus,
    font size) survives it.
    """

    LOCAL = re.compile(r"^http://127\.0\.0\.1:[0-9]+/")
    OUTSIDE = re.compile(r"^(?!http://127\.0\.0\.1:[0-9]+/)")

    def __init__(self, contexts: dict[bool, object], origin: str) -> None:
        self.contexts = contexts  # {JavaScript enabled: BrowserContext}
        self.origin = origin
        self.outside: list[str] = []
        self.outside_by_page: dict[str, set[str]] = {}
        self.loaded: set[tuple[str, bool, int]] = set()
        self.titles: dict[str, str] = {}
        self.snapshots: dict[str, dict] = {}
        self._tabs: dict[bool, object] = {}
        self._state: dict[bool, dict] = {}
        self._current = ""

    def _tab(self, js: bool):
        tab = self._tabs.get(js)
        if tab is None or tab.is_closed():
            tab = self.contexts[js].new_page()

            def guard(route) -> None:
                url = route.request.url
                if self.LOCAL.match(url):
                    route.continue_()
                else:
                    self.outside.append(url)
                    if self._current:
                        self.outside_by_page.setdefault(self._current, set()).add(url)
                    route.abort("blockedbyclient")

            tab.route(self.OUTSIDE, guard)
            self._tabs[js] = tab
            self._state[js] = {}
        return tab

    def open(self, path: str, *, js: bool = True, viewport: dict | None = None,
             scheme: str = "light", origin: str | None = None):
        """Load ``path`` (from ``origin``, the site by default) and return the tab showing it."""
        tab = self._tab(js)
        viewport = viewport or DESKTOP
        self.viewport(tab, js, viewport)
        self.scheme(tab, js, scheme)
        site = origin is None or origin == self.origin
        self._current = path if site else ""
        response = tab.goto(page_url(origin or self.origin, path), wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        if site:
            self.loaded.add((path, js, viewport["width"]))
            if not js:
                self.titles[path] = tab.title()
            elif viewport == DESKTOP and scheme == "light" and path not in self.snapshots:
                self.snapshots[path] = {"structure": structure_problems(tab), "main": main_text(tab)}
        return tab

    def snapshot(self, path: str) -> dict:
        """What the read-only checks found on ``path`` just after a load with JavaScript, 1280 px,
        light: its structure problems and the text of <main> (loads the page if no test did)."""
        if path not in self.snapshots:
            self.open(path)
        return self.snapshots[path]

    def viewport(self, tab, js: bool, viewport: dict) -> None:
        """Resize ``tab`` without reloading (media queries and their listeners follow)."""
        if self._state[js].get("viewport") != viewport:
            tab.set_viewport_size(viewport)
            self._state[js]["viewport"] = viewport

    def scheme(self, tab, js: bool, scheme: str) -> None:
        """Emulate the light or dark colour scheme (``prefers-color-scheme``) in ``tab``."""
        if self._state[js].get("scheme") != scheme:
            tab.emulate_media(color_scheme=scheme, reduced_motion="reduce")
            self._state[js]["scheme"] = scheme

    def reset(self) -> None:
        self.outside.clear()

    def close(self) -> None:
        for tab in self._tabs.values():
            if not tab.is_closed():
                tab.close()
        self._tabs.clear()


# ---------------------------------------------------------------------------------------------
# JavaScript run in the page (plain ES2017, no dependency)
# ---------------------------------------------------------------------------------------------

_JS_HELPERS = r"""
const cssPath = (el) => {
  const parts = [];
  for (let node = el; node && node.nodeType === 1 && parts.length < 5; node = node.parentElement) {
    let part = node.localName;
    if (node.id) { parts.unshift(part + '#' + CSS.escape(node.id)); break; }
    const classes = [...node.classList].slice(0, 2).map((c) => '.' + CSS.escape(c)).join('');
    part += classes;
    const parent = node.parentElement;
    if (parent) {
      const same = [...parent.children].filter((c) => c.localName === node.localName);
      if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
    }
    parts.unshift(part);
    if (node.localName === 'main' || node.localName === 'body') break;
  }
  return parts.join(' > ');
};
const shortText = (el) => {
  const text = (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
  return text.length > 60 ? text.slice(0, 57) + '…' : text;
};
const rendered = (el) => el.getClientRects().length > 0;
const visuallyHidden = (el) => el.clientWidth <= 1 || el.clientHeight <= 1;
"""


def _js(body: str) -> str:
    """An arrow function for ``page.evaluate`` with the helpers above in scope."""
    return "(arg) => {" + _JS_HELPERS + body + "}"


_OVERFLOWING = _js(r"""
  const vw = arg;
  const clipsX = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!rendered(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right <= vw + 1 || (r.width === 0 && r.height === 0)) continue;
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > vw + 1) continue;
    if (clipsX(el)) continue;
    found.push({selector: cssPath(el), right: Math.round(r.right), width: Math.round(r.width), text: shortText(el)});
  }
  found.sort((a, b) => b.right - a.right);
  // overflow-x: hidden on both <html> and <body> hides the overflow from the page's scrollWidth
  // without making the content fit: the body's own scrollWidth still shows it.
  const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  return {scrollWidth, offenders: found.slice(0, 10)};
""")

_CLIPPED = _js(r"""
  const found = [];
  for (const el of [document.body, ...document.body.querySelectorAll('*')]) {
    if (!rendered(el) || visuallyHidden(el)) continue;
    if (!(el.innerText || '').trim()) continue;
    const cs = getComputedStyle(el);
    const hidden = (v) => v === 'hidden' || v === 'clip';
    const x = hidden(cs.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const y = hidden(cs.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (x || y) {
      found.push({selector: cssPath(el), text: shortText(el),
                  size: el.clientWidth + 'x' + el.clientHeight,
                  content: el.scrollWidth + 'x' + el.scrollHeight});
    }
  }
  return found;
""")

_MAIN_TEXT = _js(r"""
  const main = document.querySelector('main');
  if (!main) return null;
  const r = main.getBoundingClientRect();
  // What scripts add on top (marked data-enhancement: « open now », today's mark) is not
  // information the page must hold without JavaScript; everything else must be identical.
  let text = main.innerText;
  for (const extra of main.querySelectorAll('[data-enhancement]')) {
    const added = extra.innerText;
    if (added) text = text.replace(added, '');
  }
  return {
    text: text,
    visible: main.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) && r.width > 0 && r.height > 0,
    hidden: main.hidden || main.getAttribute('aria-hidden') === 'true',
  };
""")

_STRUCTURE = _js(r"""
  const problems = [];
  const lang = (document.documentElement.getAttribute('lang') || '').trim();
  if (!lang) problems.push('<html> has no lang attribute');
  if (!document.title.trim()) problems.push('empty or missing <title>');

  const h1 = document.querySelectorAll('h1');
  if (h1.length !== 1) problems.push('expected exactly one <h1>, found ' + h1.length +
    (h1.length ? ': ' + [...h1].map((h) => '« ' + shortText(h) + ' »').join(', ') : ''));

  const main = document.querySelector('main');
  if (!main) problems.push('no <main>');
  let previous = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading][aria-level]')) {
    const level = /^h[1-6]$/.test(h.localName) && !h.hasAttribute('aria-level')
      ? Number(h.localName[1]) : Number(h.getAttribute('aria-level'));
    if (main && main.contains(h) && level > previous + 1) {
      problems.push('heading level skipped in <main>: h' + previous + ' → h' + level + ' at ' +
                    cssPath(h) + ' « ' + shortText(h) + ' »');
    }
    previous = level;
  }

  for (const table of document.querySelectorAll('table')) {
    const role = table.getAttribute('role');
    if (role === 'presentation' || role === 'none') continue;
    if (!table.caption || !table.caption.textContent.trim()) {
      problems.push('table without <caption>: ' + cssPath(table) + ' « ' + shortText(table) + ' »');
    }
    const noScope = [...table.querySelectorAll('th')].filter(
      (th) => !['row', 'col', 'rowgroup', 'colgroup'].includes((th.getAttribute('scope') || '').toLowerCase()));
    if (noScope.length) {
      problems.push(noScope.length + ' <th> without a valid scope in ' + cssPath(table) + ': ' +
                    noScope.slice(0, 5).map((th) => '« ' + shortText(th) + ' »').join(', '));
    }
  }

  const textOf = (node) => {
    let text = '';
    for (const child of node.childNodes) {
      if (child.nodeType === 3) { text += child.textContent; continue; }
      if (child.nodeType !== 1) continue;
      if (child.hidden || child.getAttribute('aria-hidden') === 'true') continue;
      if (getComputedStyle(child).display === 'none') continue;
      if (child.localName === 'img' || child.getAttribute('role') === 'img') {
        text += ' ' + (child.getAttribute('aria-label') || child.getAttribute('alt') || '');
      } else if (child.localName === 'svg') {
        const title = child.querySelector('title');
        text += ' ' + (child.getAttribute('aria-label') || (title ? title.textContent : ''));
      } else {
        text += ' ' + textOf(child);
      }
    }
    return text;
  };
  const accessibleName = (el) => {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const labelled = ids.map((id) => document.getElementById(id)).filter(Boolean)
      .map((e) => textOf(e)).join(' ').trim();
    return labelled || (el.getAttribute('aria-label') || '').trim() || textOf(el).trim() ||
      (el.getAttribute('title') || '').trim();
  };
  // RGAA 6.1: a link's text must make sense out of context. Its accessible text, lowercased and
  // without punctuation or symbols at either end, may not be one of the usual ambiguous ones, and
  // two links with the same text may not lead to different places unless their aria-label or
  // title tell them apart.
  const AMBIGUOUS = new Set(['ici', 'cliquez ici', 'cliquer ici', 'en savoir plus', 'lire la suite',
                             'lien', 'ce lien', 'plus', 'voir', 'suite', 'page']);
  const linkKey = (name) => name.replace(/\s+/g, ' ').toLowerCase()
    .replace(/^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu, '');
  const target = (a) => {
    try {
      const url = new URL(a.href, document.baseURI);
      url.pathname = url.pathname.replace(/\/index\.html$/, '/');
      return url.href;
    } catch (error) {
      return a.getAttribute('href');
    }
  };
  const disambiguation = (a) => ((a.getAttribute('aria-label') || '') + '\n' + (a.getAttribute('title') || ''))
    .replace(/\s+/g, ' ').trim().toLowerCase();
  const byText = new Map();
  for (const a of document.querySelectorAll('a')) {
    const name = accessibleName(a);
    if (!name) {
      problems.push('link without accessible text: ' + cssPath(a) + ' ' + a.outerHTML.slice(0, 120));
      continue;
    }
    const key = linkKey(name);
    if (AMBIGUOUS.has(key)) {
      problems.push('link text « ' + name.replace(/\s+/g, ' ').trim() + ' » does not make sense out of context (RGAA 6.1): ' +
                    cssPath(a) + ' → ' + a.getAttribute('href'));
    }
    if (key && a.hasAttribute('href')) {
      if (!byText.has(key)) byText.set(key, []);
      byText.get(key).push(a);
    }
  }
  for (const [key, links] of byText) {
    const clash = links.some((a, i) => links.slice(i + 1).some((other) =>
      target(a) !== target(other) &&
      !(disambiguation(a) && disambiguation(other) && disambiguation(a) !== disambiguation(other))));
    if (!clash) continue;
    const targets = [...new Set(links.map(target))];
    problems.push(links.length + ' links with the same text « ' + shortText(links[0]) + ' » lead to ' +
                  targets.length + ' different places (RGAA 6.1): ' +
                  links.slice(0, 6).map((a) => cssPath(a) + ' → ' + a.getAttribute('href')).join(', '));
  }

  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (attr.toLowerCase().startsWith('on')) {
        problems.push('inline event handler ' + attr + '="…" on ' + cssPath(el));
      }
    }
  }
  // JSON-LD is a data block, not a script: a strict script-src policy does not run or block it.
  for (const script of document.querySelectorAll('script:not([src]):not([type="application/ld+json"])')) {
    if (script.textContent.trim()) {
      problems.push('inline <script> with content: ' + script.outerHTML.replace(/\s+/g, ' ').slice(0, 100));
    }
  }
  return problems;
""")

_FOCUS_RECORDER = _js(r"""
  // Records every element that receives focus, with the styles it has while focused.
  const records = window.__siadFocus = [];
  const seen = new WeakSet();
  const main = document.querySelector('main');
  window.__siadDescribe = (el) => {
    if (!el || el === document.body || el === document.documentElement) return null;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const x = r.left + window.scrollX, y = r.top + window.scrollY;
    return {
      selector: cssPath(el), tag: el.localName, text: shortText(el), href: el.getAttribute('href'),
      isMain: el === main, inMain: !!(main && main.contains(el)),
      afterMain: !!(main && (main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING)),
      outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth) || 0,
      outlineColor: cs.outlineColor, boxShadow: cs.boxShadow,
      onPage: r.width > 0 && r.height > 0 && x + r.width > 0 && y + r.height > 0 &&
              x < document.documentElement.scrollWidth && y < document.documentElement.scrollHeight,
    };
  };
  document.addEventListener('focusin', (event) => {
    const info = window.__siadDescribe(event.target);
    if (!info) return;
    info.again = seen.has(event.target);
    seen.add(event.target);
    if (records.length === 0) window.__siadFirst = event.target;
    records.push(info);
  }, true);
  // How many Tab presses should be enough to go round once (the loop goes on if not).
  const focusable = 'a[href], area[href], button, input, select, textarea, summary, iframe, ' +
                    '[tabindex]:not([tabindex="-1"]), [contenteditable=""], [contenteditable="true"]';
  return [...document.querySelectorAll(focusable)].filter(rendered).length + 2;
""")

_ACTIVE = "() => window.__siadDescribe(document.activeElement)"

_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.map(String).join(' '), html: n.html, summary: n.failureSummary})),
  }));
}"""


# ---------------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------------


def _clip(text: str, limit: int = 160) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def axe_violations(page, *, inject: bool = True) -> list[dict]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations on the page as it is now.

    axe is injected into the page unless it is already there: the browser contexts of the gate
    load it in every document with ``add_init_script`` (see ``with_axe``), which costs far less
    than injecting half a megabyte of script after each load. ``inject=False`` runs the copy
    already in the document without asking.
    """
    if inject and not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_AXE_RUN, WCAG_TAGS)


def with_axe(context) -> None:
    """Make axe-core part of every document ``context`` loads (inert until ``axe.run``: it adds no
    element, style or request to the page)."""
    context.add_init_script(path=str(AXE_JS))


def format_axe(violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"[{v['id']}] ({v['impact']}) {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}: {_clip(node['html'])}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return lines


def axe_problems(page, *, inject: bool = True) -> list[str]:
    return format_axe(axe_violations(page, inject=inject))


def format_axe_runs(runs: dict[str, list[dict]]) -> list[str]:
    """Violations of several runs on one page (``runs``: where → violations), each node once,
    followed by the runs that found it."""
    rules: dict[str, dict] = {}
    for where, violations in runs.items():
        for v in violations:
            rule = rules.setdefault(v["id"], {**v, "found": {}})
            for node in v["nodes"]:
                rule["found"].setdefault(node["target"], (node, []))[1].append(where)
    lines = []
    for rule in rules.values():
        lines.append(f"[{rule['id']}] ({rule['impact']}) {rule['help']} — {rule['helpUrl']}")
        found = list(rule["found"].values())
        for node, wheres in found[:8]:
            lines.append(f"    {node['target']}: {_clip(node['html'])}  [{', '.join(wheres)}]")
        if len(found) > 8:
            lines.append(f"    … and {len(found) - 8} more")
    return lines


def overflow_problems(page, width: int) -> list[str]:
    """Horizontal scrolling at ``width`` CSS px, with the outermost elements sticking out."""
    info = page.evaluate(_OVERFLOWING, width)
    if info["scrollWidth"] <= width:
        return []
    lines = [f"the content is wider than the screen: scrollWidth {info['scrollWidth']} > {width} px"]
    for o in info["offenders"]:
        lines.append(f"    {o['selector']} reaches {o['right']} px (width {o['width']}) « {o['text']} »")
    return lines


def reflow_problems(page) -> list[str]:
    return overflow_problems(page, page.viewport_size["width"])


def zoom_problems(page) -> list[str]:
    """Text at 200 %: no clipped text in an ``overflow: hidden`` box, no horizontal scrolling."""
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    lines = [
        f"text clipped (overflow hidden): {c['selector']} shows {c['size']} of {c['content']} « {c['text']} »"
        for c in page.evaluate(_CLIPPED)
    ]
    return lines + overflow_problems(page, page.viewport_size["width"])


def normalise_text(text: str) -> list[str]:
    """innerText as its non-empty lines, whitespace collapsed."""
    return [line for line in (re.sub(r"\s+", " ", raw).strip() for raw in text.splitlines()) if line]


def main_text(page) -> dict | None:
    return page.evaluate(_MAIN_TEXT)


def nojs_problems(with_js: dict | None, without_js: dict | None) -> list[str]:
    """Without JavaScript, <main> is shown and says exactly what it says with JavaScript."""
    import difflib

    if without_js is None:
        return ["no <main> without JavaScript"]
    problems = []
    if without_js["hidden"] or not without_js["visible"]:
        problems.append("<main> is hidden without JavaScript")
    if not normalise_text(without_js["text"]):
        problems.append("<main> has no text without JavaScript")
    if with_js is None:
        return problems + ["no <main> with JavaScript"]
    a, b = normalise_text(with_js["text"]), normalise_text(without_js["text"])
    if " ".join(a) != " ".join(b):
        diff = list(difflib.unified_diff(a, b, "with JavaScript", "without JavaScript", lineterm="", n=1))
        problems.append("the text of <main> differs without JavaScript:")
        problems.extend("    " + _clip(line, 140) for line in diff[:40])
    return problems


def structure_problems(page) -> list[str]:
    return page.evaluate(_STRUCTURE)


def count_problems(problems: list[str]) -> int:
    """How many problems a list from a ``*_problems`` function holds: its lines that are not
    indented details of the line above (offending elements, diff lines)."""
    return sum(1 for line in problems if not line.startswith(" "))


def count_axe(runs: dict[str, list[dict]]) -> int:
    """How many violations several axe runs on one page found: each rule on each element once,
    however many runs found it (as :func:`format_axe_runs` shows them)."""
    return len({(v["id"], node["target"]) for violations in runs.values() for v in violations for node in v["nodes"]})


def _has_focus_indicator(f: dict) -> bool:
    outline = (
        f["outlineStyle"] != "none"
        and f["outlineWidth"] > 0
        and not re.search(r"rgba\([^)]*,\s*0\)|transparent", f["outlineColor"])
    )
    return outline or (f["boxShadow"] not in ("", "none"))


def keyboard_problems(page, *, max_tabs: int = 400) -> list[str]:
    """The first Tab reaches the skip link, which leads into <main>; every focused element shows it.

    ``page`` must be freshly loaded, with nothing focused yet.
    """
    problems: list[str] = []
    presses = page.evaluate(_FOCUS_RECORDER)
    records: list[dict] = []
    done = 0
    while done < max_tabs:
        for _ in range(min(presses, max_tabs - done)):
            page.keyboard.press("Tab")
        done += presses
        records = page.evaluate("() => window.__siadFocus")
        if any(r["again"] for r in records):
            break
        presses = 10
    else:
        problems.append(f"still tabbing after {max_tabs} presses without coming back to the start (keyboard trap?)")
    tour = []
    for record in records:
        if record["again"]:
            break
        tour.append(record)

    def is_skip_link(f: dict | None) -> bool:
        return bool(f and f["tag"] == "a" and f["text"] == SKIP_LINK_TEXT and (f["href"] or "").startswith("#"))

    first = tour[0] if tour else None
    if not is_skip_link(first):
        got = "nothing" if first is None else f"{first['selector']} « {first['text']} »"
        problems.append(f"the first Tab focuses {got}, not the skip link « {SKIP_LINK_TEXT} »")
    for focused in tour:
        if not _has_focus_indicator(focused):
            problems.append(
                f"no visible focus indicator on {focused['selector']} « {focused['text']} » "
                f"(outline: {focused['outlineStyle']} {focused['outlineWidth']}px {focused['outlineColor']}; "
                f"box-shadow: {focused['boxShadow']})"
            )
        if not focused["onPage"]:
            problems.append(f"focused element invisible or outside the page: {focused['selector']} « {focused['text']} »")

    if is_skip_link(first):
        page.evaluate("() => window.__siadFirst.focus()")
        page.keyboard.press("Enter")
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        after = page.evaluate(_ACTIVE)
        if not (after and (after["isMain"] or after["inMain"])):
            # A target that cannot take focus still moves the sequential focus starting point.
            page.keyboard.press("Tab")
            following = page.evaluate(_ACTIVE)
            if not (following and (following["inMain"] or following["afterMain"])):
                where = "nothing" if following is None else f"{following['selector']} « {following['text']} »"
                problems.append(
                    f"activating the skip link does not move focus to <main> (the next Tab reaches {where})"
                )
    return problems


# ---------------------------------------------------------------------------------------------
# Nu Html Checker
# ---------------------------------------------------------------------------------------------


class Vnu:
    """The Nu Html Checker, started once over ``files`` in the background (one JVM for the site)."""

    def __init__(self, files: list[Path]) -> None:
        self.process = subprocess.Popen(
            ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self._messages: dict[Path, list[str]] | None = None

    def messages(self) -> dict[Path, list[str]]:
        """Its errors as ``line: type: message « extract »``, by file (waits for the checker)."""
        if self._messages is None:
            stdout, stderr = self.process.communicate(timeout=600)
            self._messages = parse_vnu(stdout, stderr, self.process.returncode)
        return self._messages

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def parse_vnu(stdout: str, stderr: str, returncode: int) -> dict[Path, list[str]]:
    try:
        report = json.loads(stderr)
    except json.JSONDecodeError as error:
        raise AssertionError(
            f"the Nu Html Checker did not answer in JSON (exit {returncode}): {error}\n"
            f"{stderr[-2000:]}{stdout[-2000:]}"
        ) from None
    messages: dict[Path, list[str]] = {}
    for message in report.get("messages", []):
        url = message.get("url", "")
        path = Path(unquote(urlparse(url).path)) if url.startswith("file:") else Path(url or "?")
        line = message.get("lastLine", message.get("firstLine", "?"))
        extract = f" « {_clip(message['extract'], 80)} »" if message.get("extract") else ""
        messages.setdefault(path, []).append(f"{line}: {message.get('type')}: {message.get('message')}{extract}")
    return messages


def title_problems(titles: dict[str, str]) -> list[str]:
    """Empty titles, and titles shared by several pages (``titles``: page → document.title)."""
    problems = [f"{page}: empty <title>" for page, title in titles.items() if not title.strip()]
    by_title: dict[str, list[str]] = {}
    for page, title in titles.items():
        if title.strip():
            by_title.setdefault(" ".join(title.split()), []).append(page)
    problems += [
        f"« {title} » is the title of {len(pages)} pages: {', '.join(pages)}"
        for title, pages in by_title.items()
        if len(pages) > 1
    ]
    return problems
