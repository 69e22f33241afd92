"""Browser tests of the app behind nginx at /atlas/, as two copies with sticky sessions.

One cluster (deploy/cluster.py: two `streamlit run --server.baseUrlPath atlas` and Debian's nginx
with deploy/atlas.conf) serves the whole module. The tests run in the order written: the first
is the cluster's first visit, and the last kills a copy.
"""

import re
import urllib.request
import zipfile

import pytest
from playwright.sync_api import expect

from deploy.cluster import AFFINITY_COOKIE, COPY_HEADER, run_cluster
from tests.conftest import write_package
from tests.e2e.conftest import ARTIFACTS, PROJECTOR, Requests, wait_for_app, wait_idle

pytestmark = pytest.mark.e2e

COUNT_RE = re.compile(r"Showing (\d+) of (\d+) events")
# Milliseconds to wait for what a rerun draws (two cores shared with other work can be slow).
WAIT = 30_000
PAGES = {"Atlas": None, "Compare the sources": "Compare the sources", "Sources": "Sources",
         "People": "People", "Places": "Places", "About and data": "About the atlas and its data"}


@pytest.fixture(scope="module")
def cluster():
    """Two copies of the app behind nginx, on loopback, for this module."""
    with run_cluster(copies=2) as running:
        yield running


class Visitor:
    """One browser context through the proxy, with the copies that answered its requests."""

    def __init__(self, browser, cluster) -> None:
        self.context = browser.new_context(viewport=PROJECTOR, accept_downloads=True)
        self.page = self.context.new_page()
        self.requests = Requests()
        self.copies: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("response", self._seen)
        self.cluster = cluster

    def _seen(self, response) -> None:
        copy = response.headers.get(COPY_HEADER.lower())
        if copy:
            self.copies.append(copy.split(",")[-1].strip())

    def open(self, path: str = "") -> None:
        """Go to ``path`` under the proxy's /atlas/."""
        self.page.goto(self.cluster.url + path)

    def close(self, name: str) -> None:
        """Screenshot into artifacts/ and close; no request may have left this machine."""
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
        self.context.close()
        assert self.requests.external() == []


@pytest.fixture
def visitors(browser, cluster, request):
    """Make visitors; each is screenshot and closed at the end of the test."""
    made: list[Visitor] = []

    def make() -> Visitor:
        made.append(Visitor(browser, cluster))
        return made[-1]

    yield make
    for number, visitor in enumerate(made):
        visitor.close(f"{request.node.name}-{number}")


def nav_link(page, name: str):
    """The sidebar's link to the page called ``name``."""
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True)


def test_a_first_visit_deep_link_and_every_page_work_under_the_sub_path(visitors, cluster):
    """Test that /atlas/about on a fresh server gets the whole app; every page, map and download work."""
    visitor = visitors()
    page = visitor.page
    visitor.open("about?faction=syrians")
    expect(page.get_by_role("heading", name="About the atlas and its data")).to_be_visible(
        timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    # How to cite the app names its address under the sub-path.
    expect(page.get_by_text(re.compile(r"http://127\.0\.0\.1:\d+/atlas/")).first).to_be_visible(
        timeout=WAIT)
    for name, title in PAGES.items():
        link = nav_link(page, name)
        expect(link).to_have_attribute("href", re.compile(r"/atlas/"), timeout=WAIT)
        link.click()
        if title:
            expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(
                timeout=60_000)
        else:
            # The offline base map comes from the app's static files under the sub-path.
            wait_for_app(page)
            geo = page.locator(".js-plotly-plot").nth(1)
            expect(geo.locator("g.layer.coastlines path").first).to_be_attached(timeout=WAIT)
            assert any("/atlas/app/static/topojson/" in u for u in visitor.requests)
        assert "faction=syrians" in page.url, f"the {name} page lost the view"

    nav_link(page, "About and data").click()
    button = page.get_by_role("button", name="Events with their quotes (CSV)")
    expect(button).to_be_visible(timeout=30_000)
    with page.expect_download() as download_info:
        button.click()
    text = open(download_info.value.path(), encoding="utf-8").read()
    assert text.startswith("id,") and "syrians" in text
    assert len(set(visitor.copies)) == 1


def _copy_for(url: str, cookie: str | None) -> tuple[str, str | None]:
    """The copy that answers a request with the affinity ``cookie``, and any cookie set."""
    headers = {"Cookie": f"{AFFINITY_COOKIE}={cookie}"} if cookie else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as reply:
        cookies = [c for c in reply.headers.get_all("Set-Cookie") or []
                   if c.startswith(f"{AFFINITY_COOKIE}=")]
        return reply.headers[COPY_HEADER], cookies[0] if cookies else None


def test_requests_with_one_cookie_stay_on_one_copy_and_visitors_spread(cluster):
    """Test that nginx gives a new visitor a cookie, keeps its requests on one copy, and uses both."""
    health = f"{cluster.url}_stcore/health"
    _, set_cookie = _copy_for(health, None)
    assert set_cookie and "HttpOnly" in set_cookie
    cookie = set_cookie.split(";")[0].split("=", 1)[1]
    answers = {_copy_for(health, cookie)[0] for _ in range(6)}
    assert len(answers) == 1
    assert _copy_for(health, cookie)[1] is None, "a visitor with a cookie got a new one"
    # Random cookies land on both copies (40 misses in a row would have odds of 2 ** -39).
    seen = {_copy_for(health, f"visitor{n}")[0] for n in range(40)}
    assert seen == {copy.address for copy in cluster.copies}


def _zipped_package(folder) -> str:
    data = write_package(folder / "package")
    archive = folder / "tiny.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(data.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(data))
    return str(archive)


def test_an_upload_through_the_proxy_reaches_the_visitors_copy(visitors, tmp_path):
    """Test that an upload through nginx loads, every request of the visitor going to one copy."""
    visitor = visitors()
    page = visitor.page
    visitor.open("about")
    uploader = page.locator("[data-testid='stFileUploader'] input[type='file']")
    expect(uploader).to_be_attached(timeout=60_000)
    uploader.set_input_files(_zipped_package(tmp_path))
    button = page.get_by_role("button", name="Show this data")
    expect(button).to_be_enabled(timeout=30_000)
    button.click()
    expect(page.get_by_text("You are viewing uploaded data")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebarUserContent").get_by_text(
        re.compile(r"^5 events · 3 places"))).to_be_visible(timeout=WAIT)
    assert any("/atlas/_stcore/upload_file/" in u for u in visitor.requests)
    assert len(set(visitor.copies)) == 1


def test_visitors_of_a_killed_copy_reconnect_to_the_other_with_their_view(visitors, cluster):
    """Test that after `kill -9` of a visitor's copy the page comes back from the other copy, same view."""
    visitor = visitors()
    page = visitor.page
    visitor.open("?lane=faction")
    wait_for_app(page)
    before = page.get_by_text(COUNT_RE).first.inner_text()
    factions = page.get_by_test_id("stMultiSelect").filter(has_text="Factions")
    factions.click()
    page.keyboard.type("Mu'awiya and the Syrians")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"faction=syrians"))
    # Close the list of factions: while it is open, the rest of the page is hidden from roles.
    page.keyboard.press("Escape")
    expect(page.get_by_role("listbox")).to_have_count(0, timeout=WAIT)
    expect(page.get_by_text(COUNT_RE).first).not_to_have_text(before, timeout=30_000)
    wait_idle(page)
    chosen = page.get_by_text(COUNT_RE).first.inner_text()
    (first,) = set(visitor.copies)
    victim = cluster.copy_at(first)
    survivor = next(c for c in cluster.copies if c is not victim)

    # Streamlit's page notices the closed websocket, polls the health endpoint and opens a new
    # websocket; nginx finds the victim gone and passes the visitor on to the survivor, where a
    # new session starts and must rebuild the view from the URL.
    with page.expect_websocket(lambda ws: "/atlas/_stcore/stream" in ws.url,
                               timeout=60_000) as opened:
        cluster.kill(victim)
    with opened.value.expect_event("framereceived", predicate=lambda p: _count_in(p) is not None,
                                   timeout=60_000) as frame:
        pass
    assert _count_in(frame.value) == COUNT_RE.search(chosen).group()
    # Only the survivor is alive to have run that session; nginx now sends the visitor there.
    assert victim.process.poll() is not None
    reply = visitor.context.request.get(f"{cluster.url}_stcore/health")
    assert reply.ok and reply.headers[COPY_HEADER.lower()].endswith(survivor.address)
    wait_for_app(page)
    expect(page.get_by_text(COUNT_RE).first).to_have_text(chosen, timeout=WAIT)
    assert "faction=syrians" in page.url and "lane=faction" in page.url
    expect(factions).to_contain_text("Mu'awiya and the Syrians", timeout=WAIT)
    expect(page.get_by_test_id("stRadio").filter(has_text="Timeline lanes").get_by_role(
        "radio", name="Faction")).to_be_checked(timeout=WAIT)


def _count_in(payload) -> str | None:
    """The 'Showing N of M events' line in a websocket frame, if it holds one."""
    data = payload if isinstance(payload, bytes) else payload.encode()
    found = re.search(rb"Showing \d+ of \d+ events", data)
    return found.group().decode() if found else None
