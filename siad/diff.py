"""``siad diff``: what changed between two builds, from their manifests (``.siad/manifest.json``).

A pipeline uses it to upload only the files that changed (``--format json``), a reviewer to see the
effect of a data change on the site in the merge request (``--format markdown``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageProblem
from .writer import MANIFEST

FORMATS = ("texte", "json", "markdown")
LISTED_IN_MARKDOWN = 100  # longer lists are folded away in the merge request comment


@dataclass(frozen=True)
class Manifest:
    files: dict[str, str]  # output path → SHA-256
    sources: str | None  # SHA-256 of the project's files it was built from (None: siad < this field)
    where: str


@dataclass
class SiteDiff:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    old_sources: str | None = None
    new_sources: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def read(path: Path) -> Manifest:
    """A manifest file, or a built site folder holding one. A usage problem (French) if neither."""
    target = path / MANIFEST if path.is_dir() else path
    try:
        document = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageProblem(f"« {path} » : ni manifeste ni site construit par siad (pas de {MANIFEST})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"« {target} » ne peut pas être lu ({exc.strerror or exc})") from None
    except ValueError:
        raise UsageProblem(f"« {target} » n'est pas un manifeste siad : ce n'est pas du JSON valide") from None
    if not isinstance(document, dict) or document.get("generateur") != "siad" or not isinstance(document.get("fichiers"), dict):
        raise UsageProblem(f"« {target} » n'est pas un manifeste siad (clés « generateur » et « fichiers » attendues)")
    files = document["fichiers"]
    if not all(isinstance(entry, dict) and isinstance(entry.get("sha256"), str) for entry in files.values()):
        raise UsageProblem(f"« {target} » n'est pas un manifeste siad complet : chaque fichier doit avoir son « sha256 »")
    return Manifest({name: entry["sha256"] for name, entry in files.items()}, document.get("sources_sha256"), str(target))


def compare(old: Manifest, new: Manifest) -> SiteDiff:
    return SiteDiff(
        added=sorted(set(new.files) - set(old.files)),
        changed=sorted(name for name in set(old.files) & set(new.files) if old.files[name] != new.files[name]),
        removed=sorted(set(old.files) - set(new.files)),
        old_sources=old.sources,
        new_sources=new.sources,
    )


def page_address(path: str) -> str | None:
    """``lieux/adil03/index.html`` → ``/lieux/adil03/``; any other HTML page → ``/404.html``; None if not a page."""
    if path == "index.html":
        return "/"
    if path.endswith("/index.html"):
        return "/" + path[: -len("index.html")]
    return "/" + path if path.endswith(".html") else None


def _split(paths: list[str]) -> tuple[list[str], list[str]]:
    pages = [page_address(p) for p in paths if page_address(p) is not None]
    return sorted(pages), [p for p in paths if page_address(p) is None]


_KINDS = (("added", "ajoutée", "ajouté"), ("changed", "modifiée", "modifié"), ("removed", "supprimée", "supprimé"))


def _agree(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def summary(diff: SiteDiff) -> str:
    """« pages : 1 ajoutée, 2 modifiées, 0 supprimée ; autres fichiers : 3 modifiés »."""
    if diff.empty:
        return "aucune différence : les deux sites sont identiques, fichier par fichier"
    pages, others = [], []
    for attribute, feminine, masculine in _KINDS:
        in_pages, in_others = _split(getattr(diff, attribute))
        pages.append(_agree(len(in_pages), feminine))
        if in_others:
            others.append(_agree(len(in_others), masculine))
    return "pages : " + ", ".join(pages) + (" ; autres fichiers : " + ", ".join(others) if others else "")


def as_text(diff: SiteDiff) -> str:
    lines: list[str] = []
    for attribute, feminine, masculine in _KINDS:
        pages, others = _split(getattr(diff, attribute))
        if pages:
            lines.append(f"Pages {feminine}s ({len(pages)}) :")
            lines += [f"  {page}" for page in pages]
        if others:
            lines.append(f"Autres fichiers {masculine}s ({len(others)}) :")
            lines += [f"  {name}" for name in others]
    lines.append(f"siad : {summary(diff)}.")
    return "\n".join(lines) + "\n"


def as_json(diff: SiteDiff) -> str:
    document = {
        "ajoutes": diff.added,
        "modifies": diff.changed,
        "supprimes": diff.removed,
        "sources_sha256": {"avant": diff.old_sources, "apres": diff.new_sources},
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def as_markdown(diff: SiteDiff) -> str:
    """For a merge request comment or GitHub's job summary."""
    text = summary(diff)
    blocks = ["### Effet sur le site", text[0].upper() + text[1:] + "."]
    if not diff.empty and diff.old_sources and diff.old_sources == diff.new_sources:
        blocks.append("Les fichiers du projet sont les mêmes des deux côtés : la différence vient de la version de siad ou de la date de construction.")
    for attribute, feminine, masculine in _KINDS:
        pages, others = _split(getattr(diff, attribute))
        for title, names in ((f"Pages {feminine}s", pages), (f"Autres fichiers {masculine}s", others)):
            if not names:
                continue
            items = "\n".join(f"- `{name}`" for name in names[:LISTED_IN_MARKDOWN])
            if len(names) > LISTED_IN_MARKDOWN:
                items += f"\n- … et {len(names) - LISTED_IN_MARKDOWN} autres"
            if len(names) > 10:  # folded: a data change can touch hundreds of commune pages
                blocks.append(f"<details>\n<summary>{title} ({len(names)})</summary>\n\n{items}\n\n</details>")
            else:
                blocks.append(f"**{title} ({len(names)})**\n\n{items}")
    return "\n\n".join(blocks) + "\n"


RENDERERS = {"texte": as_text, "json": as_json, "markdown": as_markdown}
