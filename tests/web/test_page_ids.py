"""Every page a person can reach, as each role, has unique element ids, and every link in an
error summary or a label reaches an element of its own: otherwise a label or an error link lands
in another form's box (as the return review page's two ``comment`` boxes once did).

The pages are found as a person finds them: by following links from the home page, with the
demo loaded."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from auth.roles import Role
from tests.builders import make_user

SKIP = re.compile(r"/(sign-out|static/)|\.(xlsx|pdf|csv|toml|json)$|/(pdf|download|template)\b")
MOST_PAGES = 400


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.label_targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"] or "")
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        if tag == "label" and found.get("for"):
            self.label_targets.append(found["for"] or "")


def crawl(client) -> dict[str, _Page]:
    seen: dict[str, _Page] = {}
    queue = ["/"]
    while queue and len(seen) < MOST_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        seen[url] = page
        for href in page.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or parts.scheme or SKIP.search(parts.path):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in seen:
                queue.append(path)
    return seen


@pytest.mark.one_database  # the pages are the same on both databases: one crawl is enough
@pytest.mark.parametrize("role", [Role.FINANCE, Role.SPOKE, Role.HUB, Role.ADMIN, Role.AUDITOR])
def test_every_page_has_unique_ids_and_links_that_reach_their_field(demo, client, sign_in, role):
    from reference.queries import get_organisation_by_code

    spoke = get_organisation_by_code("bristol") if role is Role.SPOKE else None
    sign_in(make_user(role=role, spoke=spoke))

    pages = crawl(client)

    assert len(pages) > (3 if role is Role.ADMIN else 10), sorted(pages)
    problems = []
    for url, page in pages.items():
        twice = sorted(i for i, n in Counter(page.ids).items() if n > 1)
        if twice:
            problems.append(f"{url}: ids used more than once: {', '.join(twice)}")
        ids = set(page.ids)
        for target in page.label_targets:
            if target not in ids:
                problems.append(f"{url}: a label is for #{target}, which is not on the page")
        for href in page.links:
            if href.startswith("#") and len(href) > 1 and href[1:] not in ids:
                problems.append(f"{url}: a link to {href} reaches nothing")
    assert not problems, "\n".join(problems)
