"""Weigh every public page type and run Lighthouse on each under a slow connection.

    make bench-pages            # npm ci (lighthouse), then this script
    .venv/bin/python tests/benchmarks/page_weight.py [--no-lighthouse] [--only home,catalogue]
                                                     [--languages en,ar]  (default: every language)

Starts the app on a seeded temporary instance (demo data, search index) in a
local HTTP server, then for each page type prints:

- the HTML, compressed with brotli and with gzip (budget: 14 KB);
- the first visit, HTML + CSS + JS compressed with brotli (budget: 35 KB);
- whether every asset is fingerprinted and cached for a year (repeat visits
  then fetch only the HTML);
- Lighthouse's first contentful paint and performance score, simulated at
  400 kbps, 400 ms round trips and a 4× slower CPU (targets: FCP ≤ 2 s, score ≥ 95).

Lighthouse comes from npm (package.json devDependencies) and drives Debian's
Chromium (CHROME_PATH). Exits 1 when a budget or target is missed.
"""

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.live_server import LiveServer, make_demo_app, public_pages  # noqa: E402

HTML_BUDGET = 14 * 1024
FIRST_VISIT_BUDGET = 35 * 1024
FCP_TARGET_MS = 2000
SCORE_TARGET = 95
YEAR = 31536000
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_FLAGS = [
    "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking",
    "--only-categories=performance",
    "--throttling-method=simulate",
    "--throttling.rttMs=400",
    "--throttling.throughputKbps=400",
    "--throttling.cpuSlowdownMultiplier=4",
    "--output=json",
    "--quiet",
]


class AssetLinks(HTMLParser):
    """Collects the stylesheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
            if attrs.get("data-htmx"):  # site.js loads htmx after the page has loaded
                self.urls.append(attrs["data-htmx"])


def fetch(url, encoding):
    """(bytes on the wire, response) for one GET with this Accept-Encoding."""
    response = requests.get(url, headers={"Accept-Encoding": encoding}, stream=True, timeout=30)
    wire = response.raw.read(decode_content=False)
    response.raise_for_status()
    return len(wire), response


def weigh(base_url, path):
    html_br, _ = fetch(base_url + path, "br")
    html_gzip, _ = fetch(base_url + path, "gzip")
    parser = AssetLinks()
    parser.feed(requests.get(base_url + path, timeout=30).text)
    first_visit = html_br
    cached_long = True
    for url in parser.urls:
        size, asset = fetch(base_url + url, "br")
        first_visit += size
        cache_control = asset.headers.get("Cache-Control", "")
        cached_long &= f"max-age={YEAR}" in cache_control and "immutable" in cache_control
    return {
        "html_br": html_br,
        "html_gzip": html_gzip,
        "first_visit": first_visit,
        "assets": len(parser.urls),
        "cached_long": cached_long,
    }


def lighthouse(url):
    """(first contentful paint in ms, performance score 0-100) from one Lighthouse run."""
    env = dict(os.environ, CHROME_PATH=shutil.which("chromium") or "")
    for attempt in (1, 2):  # Chromium now and then dies mid-report; one retry
        run = subprocess.run(
            [str(LIGHTHOUSE), url, *LIGHTHOUSE_FLAGS],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        try:
            report = json.loads(run.stdout)
            break
        except json.JSONDecodeError:
            if attempt == 2:
                raise RuntimeError(f"lighthouse failed on {url}:\n{run.stderr[-2000:]}") from None
    fcp = report["audits"]["first-contentful-paint"]["numericValue"]
    return fcp, round(report["categories"]["performance"]["score"] * 100)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-lighthouse", action="store_true", help="weigh pages only")
    parser.add_argument("--only", help="comma-separated page types")
    parser.add_argument(
        "--languages", help="comma-separated language tags (default: all configured)"
    )
    args = parser.parse_args(argv)

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    run_lighthouse = not args.no_lighthouse
    if run_lighthouse and not (LIGHTHOUSE.exists() and shutil.which("chromium")):
        print(
            "Lighthouse needs `npm ci` (node_modules/.bin/lighthouse) and Debian's chromium; "
            "weighing pages only.",
            file=sys.stderr,
        )
        run_lighthouse = False

    failures = []
    with tempfile.TemporaryDirectory() as directory:
        app = make_demo_app(Path(directory))
        pages = public_pages(app)
        if args.only:
            wanted = {name.strip() for name in args.only.split(",")}
            pages = {name: path for name, path in pages.items() if name in wanted}
        languages = app.extensions["i18n"].languages
        if args.languages:
            wanted = {tag.strip().lower() for tag in args.languages.split(",")}
            languages = [language for language in languages if language.tag.lower() in wanted]
        with LiveServer(app) as server:
            header = (
                f"{'lang':<8} {'page type':<20} {'HTML br':>8} {'HTML gz':>8} {'1st visit':>10} "
                f"{'cached 1y':>9} {'FCP':>7} {'score':>6}"
            )
            print(header)
            print("-" * len(header))
            for language, name, path in (
                (language, name, f"/{language.prefix}{path}" if language.prefix else path)
                for language in languages
                for name, path in pages.items()
            ):
                weight = weigh(server.url, path)
                fcp = score = None
                if run_lighthouse:
                    fcp, score = lighthouse(server.url + path)
                name = f"{name} ({language.tag})"
                print(
                    f"{language.tag:<8} {name.rsplit(' (', 1)[0]:<20} {weight['html_br']:>8,} {weight['html_gzip']:>8,} "
                    f"{weight['first_visit']:>10,} {'yes' if weight['cached_long'] else 'NO':>9} "
                    f"{f'{fcp / 1000:.2f} s' if fcp is not None else '-':>7} "
                    f"{score if score is not None else '-':>6}",
                    flush=True,
                )
                if max(weight["html_br"], weight["html_gzip"]) > HTML_BUDGET:
                    failures.append(f"{name}: HTML over {HTML_BUDGET:,} bytes")
                if weight["first_visit"] > FIRST_VISIT_BUDGET:
                    failures.append(f"{name}: first visit over {FIRST_VISIT_BUDGET:,} bytes")
                if not weight["cached_long"]:
                    failures.append(f"{name}: an asset is not cached for a year")
                if fcp is not None and fcp > FCP_TARGET_MS:
                    failures.append(f"{name}: first contentful paint {fcp:.0f} ms")
                if score is not None and score < SCORE_TARGET:
                    failures.append(f"{name}: performance score {score}")
    print(
        "\nSizes in bytes on the wire; budgets: HTML ≤ 14 KB, first visit ≤ 35 KB; "
        "Lighthouse at 400 kbps, 400 ms RTT, 4× CPU slowdown (targets FCP ≤ 2 s, score ≥ 95)."
    )
    for failure in failures:
        print("MISSED:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
