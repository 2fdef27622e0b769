"""No English in the Chinese interface: every page every demo account can reach, the admin, the
spreadsheets the pages hand out, read as a zh-Hans reader sees them.

The crawl starts from the home page and every route that takes no argument, follows the links, the
htmx fragments and the GET forms it finds (GET only: nothing is changed), and reads at most a few
addresses of each route per account, so it stays quick while new pages are covered the day they are
linked. A word it reports is either a missing translation or data not marked as data (`<code>`,
`translate="no"`); see cdohub.core.english.
"""

import io
import json
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.utils.functional import Promise

from cdohub.core.english import english_in_cells, english_in_html, english_words
from cdohub.core.management.commands.demo import demo_modules

# The API speaks JSON to programs (its field names are its contract); the lockout records of
# django-axes are named by the library in English ("Access Log for admin @ …") and hold browsers'
# user-agent strings: its pages are read up to the list of its tables, not its records.
SKIPPED_PREFIXES = (
    "/static/",
    "/media/",
    "/i18n/",
    "/api/",
    "/accounts/logout",
    "/admin/axes/accessattempt/",
    "/admin/axes/accessfailurelog/",
    "/admin/axes/accesslog/",
)
# django-treebeard's own fields of the unit tree (its materialised path, depth and child count).
TREE_FIELDS = {"path", "depth", "numchild"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def demo_accounts() -> list[str]:
    names = ["admin"]
    for module in demo_modules():
        names += [username for username, _role, _unit in module.logins() if username not in names]
    return names


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.found.append(values["href"] or "")
        if values.get("hx-get"):
            self.found.append(values["hx-get"] or "")
        if tag == "form" and (values.get("method") or "get").lower() == "get":
            self.found.append(values.get("action") or "")


def links(html: str, base: str) -> Iterator[str]:
    parser = _Links()
    parser.feed(html)
    for href in parser.found:
        if href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        parts = urlsplit(urljoin(base, href))
        if parts.netloc not in ("", "testserver"):
            continue
        query = urlencode(parse_qsl(parts.query))
        yield parts.path + (f"?{query}" if query else "")


def argument_free_routes(resolver: URLResolver | None = None, prefix: str = "/") -> Iterator[str]:
    """The site's pages that need no argument (lists, dashboards, forms to create)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if entry.pattern.regex.groups or "<" in pattern or pattern.startswith("^"):
            continue
        if isinstance(entry, URLResolver):
            yield from argument_free_routes(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            yield prefix + pattern


def route_key(url: str) -> tuple[str, bool] | None:
    """The route an address is of, and whether it carries query parameters (filters, pages, sorting)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.view_name or match.route, bool(parts.query)


class Crawl:
    """One crawl over every account. A route is read once per kind of account (its roles), where
    the roles change what a page offers; its addresses with query parameters (filters, pages,
    sorting: the same template) and the admin's (one administrator) are read a few times in all."""

    WITH_QUERY = 2

    def __init__(self) -> None:
        self.per_route: dict[tuple, int] = defaultdict(int)
        self.seen_by_kind: set[tuple] = set()
        self.english: list[str] = []
        self.failed: list[str] = []
        self.read = 0
        # An account's name is data wherever the admin writes it ("修改密码：admin").
        self.usernames = set(get_user_model().objects.values_list("username", flat=True))

    def wanted(self, kind: tuple, key: tuple[str, bool]) -> bool:
        route, has_query = key
        if has_query or route.startswith("admin:"):
            return self.per_route[key] < (self.WITH_QUERY if has_query else 1)
        return (kind, key) not in self.seen_by_kind

    def account(self, username: str) -> None:
        from cdohub.accounts.models import User

        user = User.objects.get(username=username)
        kind = (user.is_staff, *sorted(set(user.role_assignments.values_list("role", flat=True))))
        client = Client(headers={"Accept-Language": "zh-hans"})
        client.force_login(user)
        queue = ["/", *argument_free_routes(), *(["/admin/"] if user.is_staff else [])]
        seen: set[str] = set()
        while queue:
            url = queue.pop(0)
            if url in seen or url.startswith(SKIPPED_PREFIXES):
                continue
            seen.add(url)
            key = route_key(url)
            if key is None or not self.wanted(kind, key):
                continue
            self.seen_by_kind.add((kind, key))
            self.per_route[key] += 1
            self.read += 1
            queue += self.page(client, username, url)

    def page(self, client: Client, username: str, url: str) -> list[str]:
        """Read one address; the addresses it links to."""
        response = client.get(url)
        if response.status_code >= 500:
            self.failed.append(f"{username} {url} → {response.status_code}")
        if response.status_code in (301, 302):
            return [response["Location"]]
        if response.status_code != 200:
            return []
        kind = response.get("Content-Type", "")
        found, linked = [], []
        if kind.startswith("text/html"):
            html = response.content.decode()
            found = list(english_in_html(html))
            linked = list(links(html, url))
        elif kind.startswith(XLSX):
            found = list(english_in_cells(spreadsheet_headers(response.content)))
        found = [(piece, [w for w in words if w not in self.usernames]) for piece, words in found]
        found = [(piece, words) for piece, words in found if words]
        if found:
            self.english.append(
                f"{username} {url}\n" + "\n".join(f"    {w}  ← {piece[:120]!r}" for piece, w in found)
            )
        return linked


def spreadsheet_headers(content: bytes) -> Iterator[object]:
    """Sheet names and the first rows of every sheet: the headers, titles and notes a reader fills in by."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    for sheet in book.worksheets:
        yield sheet.title
        for row in sheet.iter_rows(max_row=3, values_only=True):
            yield from row


@pytest.mark.django_db
def test_no_english_on_any_page():
    crawl = Crawl()
    for username in demo_accounts():
        crawl.account(username)
    assert not crawl.failed, f"pages that failed: {crawl.failed}"
    assert not crawl.english, (
        f"English in the Chinese interface ({crawl.read} addresses read):\n" + "\n".join(crawl.english)
    )


def test_the_check_reads_what_a_reader_sees_and_not_what_is_data():
    html = (
        '<title>目录 Export</title><p title="Row key">行键 <code>gmsfhm</code> '
        '<span translate="no">maoming_bureau <b>admin</b></span></p><input type="submit" value="Save">'
        '<input type="text" value="typed"><select><option>Yes</option></select>'
        '<img src="x.svg" alt="False"><script>var x = "hello";</script>'
    )
    assert dict(english_in_html(html)) == {
        "目录 Export": ["Export"],
        "Row key": ["Row", "key"],
        "Save": ["Save"],
        "Yes": ["Yes"],
        "False": ["False"],
    }
    codes = "用 Excel 导出 CSV、GB/T 2260、DB44/T 1、440900-GA、t_rk_jbxx、HYZKDM、an..50、v1.2"
    assert english_words(codes) == []
    assert english_words("Row key*") == ["Row", "key"] and english_words("用Save导出") == ["Save"]


def test_a_broken_database_rule_is_told_in_chinese_not_by_its_name(db):
    """Django names a check constraint in its default message ("Constraint “x” is violated."):
    every constraint whose message would name it says what is wrong instead."""
    from django.core.exceptions import ValidationError
    from django.db.models import CheckConstraint, UniqueConstraint
    from django.utils import translation

    from cdohub.projects.models import Project

    named = [
        f"{model._meta.label}.{c.name}"
        for model in apps.get_models()
        if model.__module__.startswith("cdohub.")
        for c in model._meta.constraints
        if (isinstance(c, CheckConstraint) or (isinstance(c, UniqueConstraint) and c.condition is not None))
        and c.violation_error_message == c.default_violation_error_message
    ]
    assert not named, f"constraints whose error names them: {named}"
    project = Project.objects.first()
    project.budget = -1
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        project.validate_constraints()
    assert caught.value.messages == ["预算不能为负数。"]


def test_every_model_and_every_field_a_reader_sees_is_named_in_chinese():
    """Model names (the admin, permissions, the audit log) and the fields of audited and
    administered models (the audit log's changes, the admin's forms) are translated."""
    from django.contrib import admin

    from cdohub.core.models import TrackedModel

    untranslated = []
    for model in apps.get_models():
        if not model.__module__.startswith("cdohub."):
            continue
        if not isinstance(model._meta.verbose_name, Promise):
            untranslated.append(model._meta.label)
        if issubclass(model, TrackedModel) or admin.site.is_registered(model):
            untranslated += [
                f"{model._meta.label}.{f.name}"
                for f in model._meta.concrete_fields
                if not f.auto_created
                and f.name not in TREE_FIELDS
                and not isinstance(f.verbose_name, Promise)
            ]
    assert not untranslated, f"named in English only: {untranslated}"


def test_catalog_template_headers_are_chinese_and_old_templates_still_import():
    from django.utils import translation

    from cdohub.catalog import excel
    from cdohub.catalog.choices import ShareMethod
    from cdohub.core.excel import header_positions

    with translation.override("zh-hans"):
        resources, items = openpyxl.load_workbook(io.BytesIO(excel.template())).worksheets
    assert (resources["A1"].value, resources["C1"].value, items["A1"].value) == (
        "行键*",
        "分类代码*",
        "所属资源行键*",
    )
    assert list(english_in_cells(cell.value for cell in resources[1])) == []
    with translation.override("en"):
        english = [f"{c.header}*" for c in excel.RESOURCE_COLUMNS]
    assert english[0] == "Row key*"
    with translation.override("zh-hans"):
        assert set(header_positions(english, excel.RESOURCE_COLUMNS)) == {
            c.key for c in excel.RESOURCE_COLUMNS
        }
        # the sharing method "file" was offered as 备案 by earlier templates
        assert excel._choice_map(ShareMethod)["备案"] == excel._choice_map(ShareMethod)["文件"] == "file"


def _workbook(*rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "导入.xlsx"
    return buffer


def _catalog_rows() -> io.BytesIO:
    from django.utils import translation

    from cdohub.catalog import excel

    with translation.override("zh-hans"):
        book = openpyxl.load_workbook(io.BytesIO(excel.template()))
    book.worksheets[0].append(["1", "", "999999", "", "no-such-unit", "", "卷轴", "偶尔共享"])
    book.worksheets[1].append(["1", "", "", "no-type", "long"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "目录.xlsx"
    return buffer


def _not_a_workbook() -> io.BytesIO:
    buffer = io.BytesIO(b"plain text")
    buffer.name = "units.txt"
    return buffer


@pytest.mark.django_db
def test_refused_forms_and_imports_explain_in_chinese():
    """A few forms and imports sent wrong: the page that answers names every problem in Chinese."""
    from cdohub.quality.models import Rule

    rule = Rule.objects.filter(resource__unit__code__startswith="4409").first()
    cases = [
        ("gd_bureau", "/units/import/", lambda: {"file": _not_a_workbook()}),
        ("gd_bureau", "/units/import/", lambda: {"file": _workbook(["Unit name", "Code"], ["某单位", "x"])}),
        ("gd_bureau", "/standards/import/", lambda: {"file": _workbook(["Identifier"], ["?"])}),
        ("gd_bureau", "/standards/elements/new/", lambda: {"name": ""}),
        ("gd_bureau", "/standards/code-sets/new/", lambda: {"name": ""}),
        ("gd_bureau", "/census/new/", lambda: {"name": "", "deadline": "someday"}),
        ("maoming_specialist", "/catalog/import/", lambda: {"file": _catalog_rows()}),
        ("maoming_specialist", "/catalog/resources/new/", lambda: {"name": ""}),
        ("maoming_specialist", "/projects/new/", lambda: {"name": "", "budget": "-1", "security_level": "9"}),
        ("maoming_bureau", f"/quality/rules/{rule.pk}/edit/", lambda: {"kind": "range", "params": "{bad"}),
    ]
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    problems = []
    for username, url, data in cases:
        client = Client(headers={"Accept-Language": "zh-hans"})
        client.force_login(get_user_model().objects.get(username=username))
        response = client.post(url, data(), follow=True)
        html = response.content.decode()
        shown = any(marker in html for marker in ("invalid-feedback", "alert-danger"))
        if response.status_code not in (200, 400, 422) or not shown:
            problems.append(f"{username} {url}: {response.status_code}, no error shown")
        problems += [
            f"{username} {url}: {words} ← {piece[:100]!r}"
            for piece, words in english_in_html(html)
            if set(words) - usernames
        ]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_admin_scripts_speak_chinese():
    """The two-list selector of groups and permissions writes its help from Django's script catalog,
    which the crawl (reading HTML, running no script) does not see."""
    client = Client(headers={"Accept-Language": "zh-hans"})
    client.force_login(get_user_model().objects.get(username="admin"))
    catalog = client.get("/admin/jsi18n/").content.decode()
    assert all(json.dumps(text)[1:-1] in catalog for text in ("添加全部%s", "选中要移除的%s"))
