"""Every page the pipeline writes, and the weekly report, with hostile user strings in them.

One demo run (:mod:`tests.reliability.hostile`) puts HTML, script, SQL, quotes, format
placeholders, bidirectional / zero-width characters and very long text into a campaign and an
ad group name (from the Ads account, so also in GA4's campaign names), the account, channel,
experiment and arm names (configuration) and a budget plan line. Then:

- statically, every page in every language (``out/*.html``) and the weekly report in nl, fr
  and en: no hostile string, and none of its markup, appears unescaped outside ``<script>``;
  inside ``<script>`` (Plotly's figure JSON, the page's own code) no ``<`` from data at all,
  so neither ``</script>`` nor ``<!--`` can end or confuse the element; and each string shows
  on the pages that name such things, in its escaped form (so the checks are not vacuous);
- in real headless Chromium, every page (the languages taking turns) and the report in every
  language: no dialog, console error, page error or network request; no element got an
  event-handler attribute or a ``javascript:`` link; no script but the page's own; each string
  the page shows is literal text (a text node, the title, or a string in a figure's data).

The unit tests in tests/dashboards check each page with synthetic hostile channel names; these
check the pages as the pipeline writes them, end to end, with the report.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from markupsafe import escape

from dashboards.page import escape_json
from kpi.language import LANGUAGES
from tests.browser import PageReport
from tests.reliability.hostile import (
    CAMPAIGN,
    STRINGS,
    TAGS,
    WEEK,
    HostileRun,
    hostile_run,
)

PAGES = ("overview", "drilldown", "trends", "experiments", "budget", "leads", "clv", "email",
         "quality")
REPORTS = [f"reports/{WEEK.label}/weekly-report.{lang}.html" for lang in LANGUAGES]
# The example config's flight ends in every hostile history: its post-campaign review.
REVIEWS = [f"reports/campaigns/flight-winteractie-warmtepompen/review.{lang}.html"
           for lang in LANGUAGES]
FILES = [f"{page}.{lang}.html" for page in PAGES for lang in LANGUAGES] + REPORTS + REVIEWS
# The unsuffixed pages only open the configured language's page: no user string gets in.
REDIRECTS = [f"{page}.html" for page in PAGES]
# Chromium takes ~2 s a page on 2 cores (plotly.js is parsed for each): it opens every page
# once, the languages taking turns, and the report in every language. The static test reads
# every file; the languages differ in texts and number formats, not in how names get in.
IN_BROWSER = ([f"{page}.{LANGUAGES[i % len(LANGUAGES)]}.html" for i, page in enumerate(PAGES)]
              + REPORTS)
# Where each string must show (at least): the pages that name campaigns, channels, ...
MUST_SHOW = {
    "account": set(PAGES) | {"weekly-report", "review"},
    "campaign": {"drilldown", "budget", "weekly-report"},
    "ad_group": {"drilldown"},
    "channel": {"overview", "drilldown", "budget", "clv", "quality", "weekly-report"},
    "experiment": {"experiments", "weekly-report"},
    "arm": {"experiments", "weekly-report"},
}
SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> HostileRun:
    built = hostile_run(tmp_path_factory)
    assert built.nightly.success and built.report.success
    return built


def kind_of(name: str) -> str:
    return Path(name).name.split(".")[0]


def json_forms(text: str) -> set[str]:
    """How ``text`` may appear inside a page's script: JSON (with or without ASCII escapes,
    as Plotly's ``to_json`` and ``json.dumps`` write it), then made safe by escape_json."""
    return {escape_json(json.dumps(text, ensure_ascii=ascii)[1:-1]) for ascii in (True, False)}


def escaped_forms(text: str) -> set[str]:
    """How ``text`` may appear escaped in the markup: html.escape with or without quotes,
    and markupsafe's (the templates' autoescape: ``'`` as ``&#39;``)."""
    return {html.escape(text, quote=True), html.escape(text, quote=False), str(escape(text))}


def tags_of(text: str) -> list[str]:
    """The markup in ``text``: from each ``<``, 24 characters (enough to be this text's own)."""
    return [text[i:i + 24] for i, char in enumerate(text) if char == "<"]


def markup_problems(page: str) -> tuple[list[str], dict[str, str]]:
    """What is unsafe in ``page``, and where each hostile string shows ("markup" / "script")."""
    scripts = SCRIPT.findall(page)
    markup = SCRIPT.sub("", page)
    problems, shown = [], {}
    if len(scripts) != page.lower().count("<script"):
        problems.append("a <script> element is not closed where expected")
    for what, text in STRINGS.items():
        raw = [p for p in [text, *tags_of(text)] if p in markup]
        if raw:
            problems.append(f"{what}: unescaped in the markup: {raw[:3]}")
        if any(form in markup for form in escaped_forms(text)):
            shown[what] = "markup"
        elif any(form in body for body in scripts for form in json_forms(text)):
            shown[what] = "script"
        elif TAGS[what] in page:
            problems.append(f"{what}: present, but in no escaped form the checks know")
    for i, body in enumerate(scripts):
        for bad in ("<!--", "</", "<script"):
            if bad in body.lower():
                at = body.lower().index(bad)
                problems.append(f"script {i}: {bad!r} at {at}: {body[max(at - 40, 0):at + 40]!r}")
    return problems, shown


def test_every_page_and_report_escapes_every_user_string(run: HostileRun,
                                                          record_property) -> None:
    found = sorted(str(p.relative_to(run.output)) for p in run.output.rglob("*.html"))
    assert found == sorted(FILES + REDIRECTS)  # a new page must join this test
    problems, shown = {}, {}
    for name in REDIRECTS:
        assert markup_problems((run.output / name).read_text(encoding="utf-8")) == ([], {}), name
    for name in FILES:
        wrong, shown[name] = markup_problems((run.output / name).read_text(encoding="utf-8"))
        if wrong:
            problems[name] = wrong
    record_property("figure", f"html: {len(STRINGS)} hostile strings on {len(FILES)} pages "
                    f"and reports, {len(problems)} with unescaped markup")
    assert problems == {}
    for what, kinds in MUST_SHOW.items():  # not vacuous: the strings did reach the pages
        missing = [n for n in FILES if kind_of(n) in kinds and what not in shown[n]]
        assert missing == [], f"{what} does not show on {missing}"


def test_the_checks_catch_an_unescaped_name() -> None:
    """The static checks fail on the mistakes they exist for."""
    plain = f"<html><title>x</title><p>{html.escape(CAMPAIGN)}</p></html>"
    assert markup_problems(plain) == ([], {"campaign": "markup"})
    templated = f"<html><title>x</title><p>{escape(CAMPAIGN)}</p></html>"  # Jinja's autoescape
    assert markup_problems(templated) == ([], {"campaign": "markup"})
    raw = f"<p>{CAMPAIGN}</p>"
    assert any("unescaped" in p for p in markup_problems(raw)[0])
    unsafe_json = "<script>var f = " + json.dumps({"name": CAMPAIGN}) + ";</script>"
    assert any("script" in p or "unescaped" in p for p in markup_problems(unsafe_json)[0])
    safe_json = "<script>var f = " + escape_json(json.dumps({"name": CAMPAIGN})) + ";</script>"
    assert markup_problems(safe_json) == ([], {"campaign": "script"})


# In the page: every text node outside <script>/<style>, every string in the figures' data
# and layout, the title, event-handler attributes, javascript: links, the scripts there are.
PROBE = """() => {
  const names = __NAMES__;
  const texts = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!(n.parentElement && n.parentElement.closest('script,style'))) texts.push(n.data);
  }
  const strings = [];
  const collect = (v, depth) => {
    if (depth > 12 || v == null) return;
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      for (const x of v) collect(x, depth + 1);
    }
    else if (typeof v === 'object') { for (const k of Object.keys(v)) collect(v[k], depth + 1); }
  };
  document.querySelectorAll('.js-plotly-plot').forEach(gd => { collect(gd.data, 0);
                                                              collect(gd.layout, 0); });
  const handlers = [], links = [];
  document.querySelectorAll('*').forEach(el => {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) handlers.push(el.tagName + ' ' + a.name);
      if (/href$/i.test(a.name) && /^\\s*javascript:/i.test(a.value)) links.push(el.tagName);
    }
  });
  const result = {};
  for (const [what, text] of Object.entries(names)) {
    result[what] = {text: texts.some(t => t.includes(text)) || document.title.includes(text),
                    data: strings.some(s => s.includes(text))};
  }
  return {shown: result, handlers: handlers, links: links,
          scripts: Array.from(document.scripts).map(s => s.src ? 'file' : 'inline'),
          active: document.activeElement ? document.activeElement.tagName : null};
}"""


@pytest.mark.browser
def test_pages_and_reports_show_the_strings_as_text_in_chromium(
        run: HostileRun, open_page: Callable[..., PageReport], record_property) -> None:
    probe = PROBE.replace("__NAMES__", json.dumps(STRINGS))
    failures: dict[str, list[str]] = {}
    for name in IN_BROWSER:
        path = run.output / name
        content = path.read_bytes()
        _, shown = markup_problems(content.decode("utf-8"))
        report = open_page(path, name="hostile-" + name.replace("/", "-").removesuffix(".html"),
                           probe=probe)
        wrong = list(report.problems)
        result = report.probe
        if result["handlers"] or result["links"]:
            wrong.append(f"injected handlers {result['handlers']} / links {result['links']}")
        if len(result["scripts"]) != content.decode("utf-8").lower().count("<script"):
            wrong.append(f"scripts in the page: {result['scripts']}")  # one was injected
        if kind_of(name) == "weekly-report" and result["scripts"]:
            wrong.append(f"the report (for mail) has scripts: {result['scripts']}")
        for what, where in shown.items():
            seen = result["shown"][what]
            if not (seen["text"] if where == "markup" else seen["data"]):
                wrong.append(f"{what} is not literal {'text' if where == 'markup' else 'data'}")
        if wrong:
            failures[name] = wrong
    record_property("figure", f"html in Chromium: {len(IN_BROWSER)} pages and reports opened, "
                    f"{len(failures)} with a dialog, console error, request or injected node")
    assert failures == {}



@pytest.mark.browser
def test_the_browser_checks_catch_an_unescaped_name(
        open_page: Callable[..., PageReport], tmp_path: Path) -> None:
    """A page that pastes the strings in raw fails every check the test above makes."""
    path = tmp_path / "unescaped.html"
    path.write_text(f"<!doctype html><html><head><title>{STRINGS['account']}</title></head>"
                    f"<body data-plots-ready='0'><p>{STRINGS['ad_group']}</p><p>{CAMPAIGN}</p>"
                    "</body></html>", encoding="utf-8")  # the campaign's <!-- ends the page
    report = open_page(path, name="hostile-unescaped",
                       probe=PROBE.replace("__NAMES__", json.dumps(STRINGS)))
    assert any("alert" in d or "account" in d for d in report.dialogs), report.dialogs
    assert report.probe["handlers"] and report.probe["links"]
    assert not report.probe["shown"]["campaign"]["text"]
    assert not report.probe["shown"]["ad_group"]["text"]
