"""The workspace in a real headless browser: Debian's chromium driven by Playwright.

They run when chromium is installed (`make browser`, part of `make test`); CI sets
COPILOT_REQUIRE_BROWSER=1, so a missing browser fails there instead of skipping.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.server import Site, chromium, workspace

NOTE = "今天去苏州恒远见了孙厂长，他对价格还有顾虑，希望分三期付款，我周四带技术去车间看一下"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with workspace(tmp_path_factory.mktemp("e2e")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = chromium()
    if path is None:
        if os.environ.get("COPILOT_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed: run `make browser`")
        pytest.skip("chromium is not installed (`make browser` installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    yield p
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def sign_in(page: Page, site: Site, who: str, next_path: str = "/app") -> None:
    page.goto(f"{site.url}/app/login?next={next_path}")
    page.get_by_label("个人密钥").fill(site.keys[who])
    page.get_by_role("button", name="登录").click()


def unlabelled_fields(page: Page) -> list[str]:
    """Visible form fields without a label a screen reader would announce."""
    result: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => el.offsetParent !== null)
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name || el.id)"""
    )
    return result


def test_a_rep_signs_in_dictates_corrects_and_confirms(page: Page, site: Site) -> None:
    sign_in(page, site, "r1")
    page.wait_for_url(re.compile(r"/app/followups/new$"))
    assert unlabelled_fields(page) == []
    page.get_by_label("客户", exact=True).select_option("c1")
    page.get_by_label("内容").fill(NOTE)
    page.get_by_role("button", name="识别").click()

    # the reading, pre-filled, with its evidence marked in the text
    page.wait_for_selector("#review-form")
    assert page.locator("#transcript mark").count() > 0
    assert page.get_by_label("下次跟进").input_value() == "2026-05-21"
    assert unlabelled_fields(page) == []
    # keyboard: the fields are reached in reading order with Tab
    page.get_by_label("线索来源").focus()
    order: list[str] = []
    for _ in range(20):  # a date input takes a Tab per part (year, month, day)
        name = page.evaluate("document.activeElement.name")
        if not order or order[-1] != name:
            order.append(name)
        page.keyboard.press("Tab")
    assert order[:5] == ["source_channel", "first_contact_date", "stage", "summary", "next_follow_up_date"]
    # focusing a field lights up its evidence
    page.get_by_label("下次跟进").focus()
    assert page.locator("#transcript mark.active").count() > 0

    page.get_by_label("下次跟进").fill("2026-05-22")
    page.get_by_label("当前阶段").select_option("negotiation")
    page.get_by_role("button", name="确认保存").click()
    page.wait_for_selector("#saved")
    assert "处已更正" in page.locator("#saved").inner_text()
    assert page.get_by_label("下次跟进").input_value() == "2026-05-22"


def test_the_customer_file_highlights_the_diff_and_draws_the_heat_map(page: Page, site: Site) -> None:
    sign_in(page, site, "supervisor", "/app/customers/c1")
    page.wait_for_selector("#heatmap[data-drawn] svg")
    rows = page.locator("tr.differs")
    assert rows.count() >= 2
    colors = rows.first.locator("td").first.evaluate(
        "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
    )
    background, ink = (tuple(int(x) for x in re.findall(r"\d+", c)[:3]) for c in colors)
    assert background[0] > 200 and background[1] > 200 and background[2] < 200  # yellow
    assert contrast(background, ink) >= 4.5  # WCAG AA for the text on the highlight
    # a heat-map cell opens its records
    page.locator("details summary").first.click()
    page.locator("details table a").first.click()
    page.wait_for_url(re.compile(r"/app/customers/c1/day/"))
    assert page.locator("#day-records tbody tr").count() >= 1


def test_a_brief_number_opens_its_records(page: Page, site: Site) -> None:
    sign_in(page, site, "supervisor", "/app/brief")
    page.wait_for_selector(".radar [data-drawn]", state="attached")
    page.locator("#n-overdue_since_yesterday").click()
    page.wait_for_url(re.compile(r"/app/brief/overdue_since_yesterday$"))
    assert page.locator("#number-records").is_visible()
    page.go_back()
    page.locator(".tiles a").first.click()
    page.wait_for_url(re.compile(r"/app/risks\?rule="))
    assert page.locator("#risk-records tbody tr").count() >= 1


def test_a_question_is_answered_with_its_drill_down(page: Page, site: Site) -> None:
    sign_in(page, site, "supervisor", "/app/brief")
    page.get_by_role("textbox", name="提问").fill("哪些意向以上客户72小时没跟进？")
    page.get_by_role("textbox", name="提问").press("Enter")
    page.wait_for_selector("#answer")
    link = page.locator("#drilldown a").first
    href = link.get_attribute("href") or ""
    link.click()
    page.wait_for_url(re.compile(re.escape(href)))
    assert page.locator("h1").count() >= 1


def test_the_customer_view_with_an_expired_and_a_valid_token(page: Page, site: Site) -> None:
    gone = page.goto(f"{site.url}/c/{site.expired_token}")
    assert gone is not None and gone.status == 410 and page.locator("#gone").is_visible()
    page.goto(f"{site.url}/c/{site.share_token}")
    items = page.locator("article.item")
    assert 1 <= items.count() <= 3
    assert unlabelled_fields(page) == []
    first = items.first
    first.get_by_label("说明").fill("交期需要缩短到30个工作日")
    first.get_by_role("button", name="需要调整").click()
    page.wait_for_selector("#thanks")
    assert "交期需要缩短到30个工作日" in page.locator("article.item").first.inner_text()


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The WCAG contrast ratio of two sRGB colours."""

    def lum(c: tuple[int, ...]) -> float:
        def ch(v: int) -> float:
            s = v / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        r, g, bl = (ch(v) for v in c[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
