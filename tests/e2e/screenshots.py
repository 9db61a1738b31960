"""Screenshots of every workspace page at desktop and phone widths (`make screenshots`).

python -m tests.e2e.screenshots docs/screenshots
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, sync_playwright

from tests.e2e.server import Site, chromium, workspace

WIDTHS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
NOTE = "今天去苏州恒远见了孙厂长，他对价格还有顾虑，希望分三期付款，我周四带技术去车间看一下"


def sign_in(page: Page, site: Site, who: str) -> None:
    page.goto(f"{site.url}/app/login")
    page.get_by_label("个人密钥").fill(site.keys[who])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def shoot(page: Page, out: Path, name: str, kind: str) -> None:
    page.wait_for_timeout(300)  # charts settle
    page.screenshot(path=str(out / f"{name}-{kind}.jpg"), full_page=True, type="jpeg", quality=70)


def main(out: Path) -> None:
    path = chromium()
    if path is None:
        raise SystemExit("chromium is not installed: run `make browser`")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, workspace(Path(tmp)) as site, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        for kind, viewport in WIDTHS.items():
            context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
            page = context.new_page()
            page.goto(f"{site.url}/app/login")
            shoot(page, out, "login", kind)
            sign_in(page, site, "r1")
            page.get_by_label("客户", exact=True).select_option("c1")
            page.get_by_label("内容").fill(NOTE)
            shoot(page, out, "followup-form", kind)
            page.get_by_role("button", name="识别").click()
            page.wait_for_selector("#review-form")
            page.get_by_label("下次跟进").focus()
            shoot(page, out, "followup-review", kind)
            sign_in(page, site, "supervisor")
            page.goto(f"{site.url}/app/customers/c1")
            page.wait_for_selector("#heatmap[data-drawn]")
            shoot(page, out, "customer-file", kind)
            page.goto(f"{site.url}/app/brief")
            shoot(page, out, "brief", kind)
            page.goto(f"{site.url}/app/ask?q=哪些谈判阶段的商机超过15天没推进？")
            shoot(page, out, "ask", kind)
            page.goto(f"{site.url}/c/{site.share_token}")
            shoot(page, out, "customer-view", kind)
            context.close()
        browser.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
