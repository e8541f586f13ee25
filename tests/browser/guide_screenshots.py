"""Take the screenshots of the in-app user guide from a fresh demo portal.

Run from the repository root after changing a page that the guide shows:

    .venv/bin/python -m tests.browser.guide_screenshots

It writes src/genbo/core/static/genbo/guide/<language>/<name>.webp for Swedish and
English. tests/core/test_user_guide.py checks that every screenshot a guide page names
exists.
"""

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from tests.browser.conftest import launch_chromium, running_demo_portal, sign_in

OUTPUT = Path(__file__).resolve().parents[2] / "src/genbo/core/static/genbo/guide"
VIEWPORT = {"width": 1100, "height": 720}
WEBP_QUALITY = 72

# name: (role, path, or a CSS selector of a link to follow from that path)
SHOTS = {
    "start": ("employee", "/", None),
    "profile-edit": ("employee", "/profile/edit/", None),
    "network-directory": ("employee", "/networks/", None),
    "network-new": ("employee", "/networks/new/", None),
    "network-members": ("convener", "/networks/hr-natverket/members/", None),
    "meeting": ("employee", "/networks/hr-natverket/", "#meetings-heading + ul a"),
    "forum-thread": (
        "employee",
        "/forum/?show=solved",
        "main a[href^='/forum/threads/']:not([href$='/new/'])",
    ),
    "library": ("employee", "/library/", None),
    "experts": ("employee", "/experts/?q=projektledning", None),
    "notification-settings": ("employee", "/notifications/settings/", None),
    "chat-room": ("employee", "/chat/", "#my-rooms-heading + ul a"),
    "search": ("employee", "/search/?q=f%C3%B6rskola", None),
}


def _save_webp(png: bytes, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(io.BytesIO(png)) as image:
        image.convert("RGB").save(path, "WEBP", quality=WEBP_QUALITY, method=6)


def take_screenshots(portal, browser) -> list[Path]:
    written = []
    for language in ("sv", "en"):
        for role in sorted({role for role, _path, _link in SHOTS.values()}):
            context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
            host = portal.base_url.split("//", 1)[1].split(":")[0]
            context.add_cookies(
                [{"name": "genbo_language", "value": language, "domain": host, "path": "/"}]
            )
            page = context.new_page()
            sign_in(page, portal, role)
            for name, (shot_role, path, link) in SHOTS.items():
                if shot_role != role:
                    continue
                page.goto(portal.url(path))
                if link:
                    page.goto(portal.url(page.locator(link).first.get_attribute("href")))
                target = OUTPUT / language / f"{name}.webp"
                _save_webp(page.screenshot(), target)
                written.append(target)
            context.close()
    return written


def main() -> int:
    with tempfile.TemporaryDirectory() as data_dir, running_demo_portal(Path(data_dir)) as portal:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            written = take_screenshots(portal, browser)
            browser.close()
    for path in written:
        print(f"{path.relative_to(OUTPUT.parents[5])}  {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
