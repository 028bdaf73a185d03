"""Hostile text: a corpus of XSS payloads in every free-text field of the data and in Markdown.

The default project gets every payload of :data:`PAYLOADS` in every field of :data:`FIELDS`
(point names, addresses, notes, accessibility and hours notes, documents, cotation, service
levels, figure tables, landlords, siad.yml, front matter), each copy tagged ``[F07.p03]`` so that
it can be found on the built pages; the Markdown gets one page per payload (as a block, inline,
in a list item and in a table cell) and a glossary entry carrying them all.

Validation may refuse a payload in a field (a located error): that payload is safe there, and is
recorded. When a field refuses the whole corpus, each payload is tried alone in it, so that the
field still carries every payload it accepts. The project is then built and EVERY page loaded in
headless Chromium with JavaScript on (and the page's CSP bypassed, so that an injected script
would run): no dialog may open, no element may carry an ``on*`` attribute, no ``href``/``src``/
``action`` a ``javascript:``/``data:``/``vbscript:`` URL, no ``<script>`` may exist but the
site's own files and JSON-LD, and each accepted data payload must read as it was written —
``{{ 7*7 }}`` literally, never ``49``.

:func:`xss_summary` gives the counts (« contenu hostile : N charges × M champs = K injections, … »).
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

import browser as b
from conftest import FIXED_BUILD_EPOCH, REPO_ROOT, run
from siad.clock import build_date
from siad.config import load_config
from siad.content import load_content
from siad.data import Freshness, load_data
from siad.errors import Report
from siad.yamlsource import Mapping, Node, parse_yaml


@dataclass(frozen=True)
class Payload:
    id: str
    text: str
    html: bool = False  # in Markdown, the sanitiser removes something from it (a located warning)
    template: bool = False  # template syntax: must read as written
    swallows: bool = False  # in Markdown, an unclosed raw-text element: the rest of the page goes with it


PAYLOADS = [
    Payload("p01", "<script>alert(1)</script>", html=True),
    Payload("p02", "<img src=x onerror=alert(1)>", html=True),
    Payload("p03", '<b onmouseover="alert(1)" onclick="alert(1)">survol</b>', html=True),
    Payload("p04", "<details open ontoggle=alert(1)><summary>s</summary>d</details>", html=True),
    Payload("p05", "<input autofocus onfocus=alert(1)>", html=True),
    Payload("p06", '<a href="javascript:alert(1)">lien</a>', html=True),
    Payload("p07", "[lien](javascript:alert(1))", html=True),
    Payload("p08", "<svg onload=alert(1)>", html=True),
    Payload("p09", '" onmouseover="alert(1)'),
    Payload("p10", "' onfocus='alert(1)' autofocus='"),
    Payload("p11", "</script><script>alert(1)</script>", html=True),
    Payload("p12", "{{ 7*7 }}", template=True),
    Payload("p13", "{% raw %}{{ 7*7 }}{% endraw %}", template=True),
    Payload("p14", "{# {{ 7*7 }} #}", template=True),
    Payload("p15", "<iframe src=javascript:alert(1)>", html=True, swallows=True),
    Payload("p16", "<math><style><img src=x onerror=alert(1)></style></math>", html=True),
    Payload("p17", '<style>body{background:url("javascript:alert(1)")}</style>', html=True),
    Payload("p18", '<a href="&#106;avascript:alert(1)">entité</a>', html=True),
    Payload("p19", "&#106;avascript:alert(1)"),
    Payload("p20", '<a href="java&#x09;script:alert(1)">tabulation</a>', html=True),
    Payload("p21", "javascript:alert(1)"),
    Payload("p22", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    Payload("p23", "vbscript:msgbox(1)"),
]


@dataclass(frozen=True)
class Field:
    """A place that takes text: ``path`` in the YAML of ``file`` (its front matter for .md)."""

    name: str
    file: str
    path: tuple
    kind: str = "text"  # text | url | url-query | email | phone

    def value(self, fid: str, payloads: list[Payload]) -> str:
        if self.kind == "text":
            return f"X{fid} " + " ".join(f"[{fid}.{p.id}] {p.text}" for p in payloads)
        if self.kind == "url-query":  # a valid-looking address with the payload after it
            return "https://www.exemple.fr/?q=" + "&".join(p.text for p in payloads)
        return "".join(p.text for p in payloads)  # url, email, phone: the payload itself


LIEU, HABITAT = "data/lieux/adil03.yml", "data/lieux/maison-de-l-habitat.yml"
PIECES, TABLEAUX, COTATION = "data/pieces.yml", "data/chiffres/tableaux.yml", "data/cotation.yml"
FRONT = "content/accompagnement.md"
FIELDS = [
    Field("siad.yml titre", "siad.yml", ("titre",)),
    Field("siad.yml description", "siad.yml", ("description",)),
    Field("siad.yml territoire", "siad.yml", ("territoire",)),
    Field("siad.yml langue", "siad.yml", ("langue",)),
    Field("siad.yml contact.nom", "siad.yml", ("contact", "nom")),
    Field("siad.yml contact.adresse", "siad.yml", ("contact", "adresse")),
    Field("siad.yml contact.site_web", "siad.yml", ("contact", "site_web"), "url"),
    Field("siad.yml contact.courriel", "siad.yml", ("contact", "courriel"), "email"),
    Field("siad.yml contact.telephone", "siad.yml", ("contact", "telephone"), "phone"),
    Field("siad.yml portail_demande", "siad.yml", ("portail_demande",), "url"),
    Field("siad.yml portail_national", "siad.yml", ("portail_national",), "url-query"),
    Field("siad.yml editeur.nom", "siad.yml", ("editeur", "nom")),
    Field("siad.yml editeur.adresse", "siad.yml", ("editeur", "adresse")),
    Field("siad.yml editeur.directeur_publication", "siad.yml", ("editeur", "directeur_publication")),
    Field("siad.yml licence_donnees.nom", "siad.yml", ("licence_donnees", "nom")),
    Field("siad.yml licence_donnees.url", "siad.yml", ("licence_donnees", "url"), "url"),
    Field("siad.yml chiffres_anciens.raison", "siad.yml", ("chiffres_anciens", "raison")),
    Field("front matter titre", FRONT, ("titre",)),
    Field("front matter description", FRONT, ("description",)),
    Field("front matter menu_titre", FRONT, ("menu_titre",)),
    Field("territoire source", "data/territoire.yml", ("source",)),
    Field("niveau nom", "data/niveaux.yml", ("niveaux", 0, "nom")),
    Field("niveau description", "data/niveaux.yml", ("niveaux", 0, "description")),
    Field("niveau engagement", "data/niveaux.yml", ("niveaux", 0, "engagements", 0)),
    Field("commune nom", "data/communes.yml", ("communes", 0, "nom")),
    Field("lieu nom", LIEU, ("nom",)),
    Field("lieu organisation", LIEU, ("organisation",)),
    Field("lieu adresse", LIEU, ("adresse",)),
    Field("lieu complement_adresse", LIEU, ("complement_adresse",)),
    Field("lieu commune", LIEU, ("commune",)),
    Field("lieu remarques", LIEU, ("remarques",)),
    Field("lieu accessibilite.remarque", LIEU, ("accessibilite", "remarque")),
    Field("lieu horaires.remarque", LIEU, ("horaires", "remarque")),
    Field("lieu site_web", LIEU, ("site_web",), "url"),
    Field("lieu courriel", LIEU, ("courriel",), "email"),
    Field("lieu telephone", LIEU, ("telephone",), "phone"),
    Field("lieu (niveau 3) nom", HABITAT, ("nom",)),
    Field("lieu (niveau 3) site_web", HABITAT, ("site_web",), "url-query"),
    Field("cotation source", COTATION, ("source",)),
    Field("cotation famille nom", COTATION, ("familles", 0, "nom")),
    Field("cotation famille nom_des_criteres", COTATION, ("familles", 0, "nom_des_criteres")),
    Field("cotation critère libelle", COTATION, ("familles", 0, "criteres", 0, "libelle")),
    Field("pièces source", PIECES, ("source",)),
    Field("pièces note", PIECES, ("notes", 0)),
    Field("pièce obligatoire libelle", PIECES, ("obligatoires", 0, "libelle")),
    Field("pièce obligatoire precision", PIECES, ("obligatoires", 3, "precision")),
    Field("pièce obligatoire cas particulier", PIECES, ("obligatoires", 2, "cas_particuliers", 0)),
    Field("pièces groupe nom", PIECES, ("complementaires", 0, "nom")),
    Field("pièces groupe introduction", PIECES, ("complementaires", 0, "introduction")),
    Field("pièces situation libelle", PIECES, ("complementaires", 0, "situations", 0, "libelle")),
    Field("pièce de situation libelle", PIECES, ("complementaires", 0, "situations", 0, "pieces", 0, "libelle")),
    Field("pièce de situation precision", PIECES, ("complementaires", 0, "situations", 0, "pieces", 0, "precision")),
    Field("bailleurs source", "data/bailleurs.yml", ("source",)),
    Field("bailleur nom", "data/bailleurs.yml", ("bailleurs", 0, "nom")),
    Field("bailleur site_web", "data/bailleurs.yml", ("bailleurs", 1, "site_web"), "url"),
    Field("chiffres source", "data/chiffres/territoire.yml", ("sources", "parc", "source")),
    Field("tableau titre", TABLEAUX, ("tableaux", 0, "titre")),
    Field("tableau source", TABLEAUX, ("tableaux", 0, "source")),
    Field("tableau ligne libelle", TABLEAUX, ("tableaux", 0, "lignes", 5, "libelle")),
    Field("tableau colonne", TABLEAUX, ("tableaux", 2, "colonnes", 0)),
    Field("tableau note", TABLEAUX, ("tableaux", 2, "note")),
]
FIELD_IDS = {f: f"F{n:02d}" for n, f in enumerate(FIELDS, start=1)}
# Markdown places (never refused: the sanitiser cleans them, the build warns).
MARKDOWN_FIELDS = ["corps : bloc", "corps : en ligne", "corps : élément de liste", "corps : cellule de tableau",
                   "glossaire : développement d'un sigle"]
GLOSSARY_TERM = "XSSG"


PAYLOAD_LINES = {8, 10, 12, 17}  # where md_page writes the payload: block, inline, list item, table cell


def md_page(payload: Payload) -> str:
    """A content page for one payload, with a data block (shortcode) after it."""
    n = payload.id
    return "\n".join([
        "---", f'titre: "Charge {n}"', f'description: "Page de test de la charge {n}."', "---", "",
        f"Avant {n}-A, le sigle {GLOSSARY_TERM}.", "",
        payload.text, "",
        f"Une phrase avec {payload.text} au milieu, {n}-B.", "",
        f"- un élément {payload.text}", "- un autre", "",
        "| Colonne | Valeur |", "|---|---:|", f"| {n} | {payload.text} |", "",
        "{{< niveaux >}}", "",
        f"Après {n}-C.", "",
    ])


# ---------------------------------------------------------------------------------------------
# The hostile project
# ---------------------------------------------------------------------------------------------


def _set(data, path: tuple, value: str) -> None:
    for step, following in zip(path, path[1:]):
        if isinstance(data, dict) and step not in data:
            data[step] = [] if isinstance(following, int) else {}
        if isinstance(data, list) and step >= len(data):
            data.append([] if isinstance(following, int) else {})
        data = data[step]
    if isinstance(data, list) and path[-1] >= len(data):
        data.append(value)
    else:
        data[path[-1]] = value


def _node(root: Node, path: tuple) -> Node:
    for step in path:
        root = root.entries[step][1] if isinstance(root, Mapping) else root.items[step]
    return root


class Project:
    """A copy of the default project whose fields can be set, file by file, and found again."""

    def __init__(self, root: Path):
        self.root = root
        self.originals = {f.file: (root / f.file).read_text(encoding="utf-8") for f in FIELDS}
        self.written = dict(self.originals)
        self.trees: dict[str, Node] = {}  # dumped text → its located tree

    def _write(self, file: str, text: str) -> None:
        if self.written[file] != text:
            (self.root / file).write_text(text, encoding="utf-8")
            self.written[file] = text

    def _split(self, file: str) -> tuple[str, str]:
        text = self.originals[file]
        if not file.endswith(".md"):
            return text, ""
        _, front, body = text.split("---\n", 2)
        return front, body

    def write(self, values: dict[Field, str]) -> dict[tuple[str, int], Field]:
        """Every file back to the default, then ``values`` set; (file, line) → the field there."""
        by_file: dict[str, list[Field]] = {}
        for f in values:
            by_file.setdefault(f.file, []).append(f)
        lines: dict[tuple[str, int], Field] = {}
        for file, original in self.originals.items():
            if file not in by_file:
                self._write(file, original)
                continue
            front, body = self._split(file)
            data = copy.deepcopy(yaml.safe_load(front))
            for f in by_file[file]:
                _set(data, f.path, values[f])
            dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)
            offset = 1 if file.endswith(".md") else 0
            self._write(file, f"---\n{dumped}---\n{body}" if offset else dumped)
            if dumped not in self.trees:
                self.trees[dumped] = parse_yaml(dumped, file, Report(), line_offset=offset)
            tree = self.trees[dumped]
            for f in by_file[file]:
                lines[(file, _node(tree, f.path).loc.line)] = f
        return lines


LOCATED = re.compile(r"^(?P<path>[^\s:][^:\n]*):(?P<line>\d+)(?::\d+)?: (?P<severity>erreur|avertissement) : (?P<message>.*)$", re.M)


def located(output: str, severity: str = "erreur") -> list[tuple[str, int, str]]:
    return [(m["path"], int(m["line"]), m["message"]) for m in LOCATED.finditer(output) if m["severity"] == severity]


def validation_errors(root: Path) -> list[tuple[str, int, str]]:
    """What validation says of the project: the loading stages of a build (siad.yml, data/,
    content/), each on its own so that a refusal in siad.yml does not hide those of the data.
    Only to choose what to inject: the final build, with everything, is the real check."""
    report = Report()
    load_config(root, report)
    default = load_config(REPO_ROOT, Report())
    load_data(root, report, default.siren,
              Freshness(build_date(), default.max_check_months, default.max_figure_years, default.accepted_old_figures))
    load_content(root, report)
    return [(d.location.path, d.location.line, d.message) for d in report.errors]


def refusals(project: Project, values: dict[Field, str]) -> dict[Field, str]:
    """The fields whose value in ``values`` validation refuses, with the message. A refusal can
    hide another (an invalid commune list leaves the points' communes unchecked) and cause errors
    elsewhere (a landlord file refused makes the tables' landlords unknown): the refused values
    are taken out and the rest validated again, until nothing is refused."""
    values = dict(values)
    refused: dict[Field, str] = {}
    while True:
        lines = project.write(values)
        errors = validation_errors(project.root)
        found = {}
        for path, line, message in errors:
            f = lines.get((path, line))
            if f is not None:
                found.setdefault(f, message)
        assert found or not errors, f"errors, but on no injected value: {errors}"
        if not found:
            return refused
        refused.update(found)
        for f in found:
            del values[f]


@dataclass
class Hostile:
    root: Path
    out: Path
    output: str  # the build's messages
    accepted: dict[Field, list[Payload]]
    refused: dict[tuple[Field, str], str]  # (field, payload id) → the validation message
    pages: list[str] = field(default_factory=list)


RESULT: dict = {}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Hostile:
    with pytest.MonkeyPatch.context() as mp:  # module scope: before the autouse fixture sets it
        mp.setenv("SOURCE_DATE_EPOCH", FIXED_BUILD_EPOCH)
        return _hostile(tmp_path_factory.mktemp("hostile"))


def _hostile(tmp: Path) -> Hostile:
    root = tmp / "projet"
    root.mkdir()
    shutil.copy2(REPO_ROOT / "siad.yml", root / "siad.yml")
    shutil.copytree(REPO_ROOT / "data", root / "data")
    shutil.copytree(REPO_ROOT / "content", root / "content")
    project = Project(root)

    # Every payload in every field at once; a field that refuses gets each payload alone.
    refused_all = refusals(project, {f: f.value(FIELD_IDS[f], PAYLOADS) for f in FIELDS})
    accepted = {f: ([] if f in refused_all else list(PAYLOADS)) for f in FIELDS}
    refused: dict[tuple[Field, str], str] = {}
    for payload in PAYLOADS if refused_all else []:
        alone = refusals(project, {f: f.value(FIELD_IDS[f], [payload]) for f in refused_all})
        for f in refused_all:
            if f in alone:
                refused[(f, payload.id)] = alone[f]
            else:
                accepted[f].append(payload)

    # The final project: each field with every payload it accepts; the Markdown pages and glossary.
    project.write({f: f.value(FIELD_IDS[f], ps) for f, ps in accepted.items() if ps})
    for payload in PAYLOADS:
        (root / "content" / f"xss-{payload.id}.md").write_text(md_page(payload), encoding="utf-8")
    expansion = " ".join(f"[G.{p.id}] {p.text}" for p in PAYLOADS)
    with (root / "content" / "glossaire.md").open("a", encoding="utf-8") as glossary:
        glossary.write(f"\n{GLOSSARY_TERM}\n:   **Sigle de test {expansion}** Un sigle de test.\n")
    out = tmp / "site"
    result = run("build", "--source", root, "--out", out)
    output = result.output + (result.stderr or "")
    assert result.exit_code == 0, output
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if ".siad" not in p.parts)
    tried = len(PAYLOADS) * (len(FIELDS) + len(MARKDOWN_FIELDS))
    RESULT.update(payloads=len(PAYLOADS), fields=len(FIELDS) + len(MARKDOWN_FIELDS), injections=tried,
                  refused=len(refused), pages=len(pages))
    return Hostile(root, out, output, accepted, refused, pages)


def xss_summary() -> str | None:
    """« contenu hostile : N charges × M champs = K injections (R refusées à la validation), E exécutée »,
    once tests/test_hostile_text.py has run (None before)."""
    if "executed" not in RESULT:
        return None
    return (f"contenu hostile : {RESULT['payloads']} charges × {RESULT['fields']} champs = {RESULT['injections']} injections "
            f"({RESULT['refused']} refusées à la validation), {RESULT['executed']} exécutée "
            f"— {RESULT['pages']} pages chargées dans Chromium")


# ---------------------------------------------------------------------------------------------
# Validation and build
# ---------------------------------------------------------------------------------------------


def test_validation_refuses_unsafe_addresses_and_only_with_located_errors(hostile: Hostile) -> None:
    by_kind: dict[str, Counter] = {}
    for (f, _), _message in hostile.refused.items():
        by_kind.setdefault(f.kind, Counter())[f.name] += 1
    # Addresses, e-mails and phones accept none of the payloads as they are.
    for f in FIELDS:
        if f.kind in ("url", "email", "phone"):
            assert not hostile.accepted[f], (f.name, [p.id for p in hostile.accepted[f]])
    for pid in ("p21", "p22", "p23"):  # javascript:, data:, vbscript:
        message = hostile.refused[(next(f for f in FIELDS if f.name == "lieu site_web"), pid)]
        assert "n'est pas une adresse web valide" in message, message
    # A valid address with a break-out after it is refused too; harmless query strings pass.
    query = next(f for f in FIELDS if f.name == "lieu (niveau 3) site_web")
    for pid in ("p01", "p02", "p03", "p09", "p10", "p11", "p12"):  # <, spaces, quotes
        assert (query, pid) in hostile.refused, pid
    assert {p.id for p in hostile.accepted[query]} >= {"p21", "p22", "p23"}
    # Free text accepts everything (it is escaped), but for the fields with a format of their own.
    for f in FIELDS:
        if f.kind == "text" and f.name not in ("siad.yml langue", "commune nom", "lieu commune", "lieu horaires.remarque"):
            assert len(hostile.accepted[f]) == len(PAYLOADS), (f.name, sorted(k[1] for k in hostile.refused if k[0] == f))
    remarque = next(f for f in FIELDS if f.name == "lieu horaires.remarque")
    assert {p.id for p in hostile.accepted[remarque]} == {p.id for p in PAYLOADS if '"' not in p.text}


def test_markdown_payloads_are_removed_with_a_located_warning(hostile: Hostile) -> None:
    warnings = located(hostile.output, "avertissement")
    for payload in PAYLOADS:
        source = f"content/xss-{payload.id}.md"
        removed = [(line, m) for path, line, m in warnings if path == source and "retiré" in m]
        if payload.html:
            assert removed and all(line in PAYLOAD_LINES for line, _ in removed), (payload, removed)
        else:
            assert not removed, (payload, removed)
    assert any(path == "content/glossaire.md" and "balise <script> retirée" in m for path, _, m in warnings)


def test_point_jsonld_escapes_the_end_of_its_script(hostile: Hostile) -> None:
    page = (hostile.out / "lieux" / "adil03" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1, blocks
    assert "<" not in blocks[0]
    name = json.loads(blocks[0])["name"]
    fid = FIELD_IDS[next(f for f in FIELDS if f.name == "lieu nom")]
    assert f"[{fid}.p11] </script><script>alert(1)</script>" in name


# ---------------------------------------------------------------------------------------------
# Every page in Chromium
# ---------------------------------------------------------------------------------------------

INSPECT = r"""() => {
  const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data', 'srcset',
    'background', 'ping', 'cite', 'longdesc', 'codebase', 'dynsrc', 'lowsrc']);
  const UNSAFE = /^(javascript|data|vbscript):/i;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const problems = [], values = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attribute of el.attributes) {
      const name = attribute.name.toLowerCase();
      values.push(attribute.value);
      if (name.startsWith('on')) problems.push(`${describe(el)} has ${name}="${attribute.value}"`);
      if (name === 'srcdoc') problems.push(`${describe(el)} has srcdoc`);
      if (URL_ATTRIBUTES.has(name) && UNSAFE.test(attribute.value.replace(/[\u0000-\u0020\u007f]/g, '')))
        problems.push(`${describe(el)} has ${name}="${attribute.value}"`);
    }
    if (['IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'BASE'].includes(el.tagName))
      problems.push(`<${el.tagName.toLowerCase()}> element`);
    if (el.tagName === 'META' && /refresh/i.test(el.getAttribute('http-equiv') || '')) problems.push('<meta http-equiv=refresh>');
  }
  for (const script of document.scripts) {
    if (script.type === 'application/ld+json') continue;
    const url = script.src ? new URL(script.src) : null;
    if (!url || url.origin !== location.origin || !url.pathname.startsWith('/assets/js/'))
      problems.push(`<script> that is not the site's: ${script.src || script.textContent.slice(0, 80)}`);
  }
  return {problems, text: document.documentElement.textContent, values: values.join('\n')};
}"""

# After « load »: one more task, for the events a parser queues (a <details open>'s toggle).
SETTLE = "() => new Promise(done => setTimeout(done, 0))"


@dataclass
class Visit:
    problems: dict[str, list[str]]  # page → what is wrong there
    dialogs: list[str]
    text: str  # every page's text and attribute values, spaces collapsed


@pytest.fixture(scope="module")
def visited(hostile: Hostile, chromium) -> Visit:
    problems: dict[str, list[str]] = {}
    dialogs: list[str] = []
    texts: list[str] = []
    where = [""]
    with b.serve(hostile.out) as origin:
        context = chromium.new_context(java_script_enabled=True, bypass_csp=True, locale="fr-FR", timezone_id="Europe/Paris")
        context.route(re.compile(r"^(?!http://127\.0\.0\.1:[0-9]+/)"), lambda route: route.abort())
        page = context.new_page()

        def dialog(d) -> None:
            dialogs.append(f"{where[0]}: {d.type}({d.message!r})")
            d.dismiss()

        page.on("dialog", dialog)

        def inspect(label: str) -> None:
            page.evaluate(SETTLE)
            found = page.evaluate(INSPECT)
            if found["problems"]:
                problems[label] = found["problems"]
            texts.append(found["text"])
            texts.append(found["values"])

        for path in hostile.pages:
            where[0] = path
            page.goto(b.page_url(origin, path), wait_until="load")
            inspect(path)
        # The scripts that write hostile text into the page: search results, from the index.
        for query in ("alert", "script onmouseover", "7*7"):
            where[0] = f"recherche/?q={query}"
            page.goto(b.page_url(origin, "recherche/index.html"))
            page.get_by_label("Rechercher sur le site", exact=True).fill(query)
            page.wait_for_function("() => (document.querySelector('.search-status') || {}).textContent")
            inspect(where[0])
        context.close()
    RESULT["executed"] = len(dialogs)
    return Visit(problems, dialogs, re.sub(r"\s+", " ", "\n".join(texts)))


def test_no_payload_runs_in_any_page(hostile: Hostile, visited: Visit) -> None:
    assert len(hostile.pages) > 90
    assert not visited.dialogs, "dialogs opened:\n" + "\n".join(visited.dialogs)
    assert not visited.problems, "\n".join(f"{page}:\n  " + "\n  ".join(p) for page, p in visited.problems.items())


def test_data_reads_as_written_and_templates_never_run(hostile: Hostile, visited: Visit) -> None:
    shown = [f for f in FIELDS if f.kind == "text" and f"X{FIELD_IDS[f]} " in visited.text]
    assert len(shown) >= 40, [f.name for f in FIELDS if f not in shown]
    missing = []
    for f in shown:
        fid = FIELD_IDS[f]
        for payload in hostile.accepted[f]:
            if " ".join(f"[{fid}.{payload.id}] {payload.text}".split()) not in visited.text:
                missing.append(f"{f.name}: [{fid}.{payload.id}] {payload.text}")
            if payload.template:
                assert f"[{fid}.{payload.id}] 49" not in visited.text, (f.name, payload)
    assert not missing, "not shown as written:\n" + "\n".join(missing)
    # In Markdown too, template syntax is only text.
    for payload in PAYLOADS:
        if payload.template:
            assert f"une phrase avec {payload.text} au milieu".lower() in visited.text.lower(), payload
    assert "49 au milieu" not in visited.text


def test_shortcodes_survive_the_sanitiser_after_hostile_markdown(hostile: Hostile) -> None:
    """The data block after each payload is siad's own HTML, put back after sanitising, unless an
    unclosed raw-text element (reported) took the rest of the page with it."""
    for payload in PAYLOADS:
        html = (hostile.out / f"xss-{payload.id}" / "index.html").read_text(encoding="utf-8")
        main = html[html.index("<main"): html.index("</main>")]
        assert f"Avant {payload.id}-A" in main
        kept = 'class="levels"' in main and f"Après {payload.id}-C" in main
        assert kept != payload.swallows, payload
        assert "siadbloc" not in main  # no placeholder left behind
