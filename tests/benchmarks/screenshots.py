"""Full-page screenshots of the main public pages at 320, 390 and 1280 px (before/after records).

    .venv/bin/python tests/benchmarks/screenshots.py [--label after] [--out test-artifacts/screenshots]

Serves the seeded demo instance of the tree this file is in (so an older checkout of the
repository, run with the same command, gives the "before" pictures) and writes
<out>/<label>-<page>-<width>.png with Debian's Chromium.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.live_server import LiveServer, make_demo_app, public_pages  # noqa: E402

WIDTHS = (320, 390, 1280)
PAGES = ("home", "catalogue", "case study", "awards", "award edition", "interest form")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="after")
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "screenshots"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_demo_app(Path(tmp))
        pages = public_pages(app)
        with LiveServer(app) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--headless", "--no-sandbox"]
            )
            for width in WIDTHS:
                context = browser.new_context(
                    base_url=server.url,
                    viewport={"width": width, "height": 640 if width < 1000 else 800},
                )
                page = context.new_page()
                for name in PAGES:
                    if name in pages:
                        page.goto(pages[name])
                        path = out / f"{args.label}-{name.replace(' ', '-')}-{width}.png"
                        page.screenshot(path=str(path), full_page=True)
                        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
