"""The theme: Jinja templates and assets, with project overrides over the built-in default theme."""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .config import CONFIG_FILE, Config
from .errors import Location, Report, relative_name
from .schema import suggestion

THEMES_DIR = "themes"
DEFAULT_THEME = "default"


def builtin_theme_dir() -> Path:
    """The default theme shipped with siad: inside the package when installed, next to it in a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / THEMES_DIR / DEFAULT_THEME, package.parent / THEMES_DIR / DEFAULT_THEME):
        if (candidate / "templates").is_dir():
            return candidate
    raise RuntimeError("le thème par défaut de siad est introuvable : installation incomplète")


@dataclass(frozen=True)
class Asset:
    source: Path
    output: str  # e.g. "assets/css/site.1a2b3c4d5e.css"


class ThemeError(Exception):
    def __init__(self, location: Location, message: str, hint: str | None = None):
        super().__init__(message)
        self.location = location
        self.message = message
        self.hint = hint


class Theme:
    """Looks templates and assets up in the project's theme folder first, then in the default theme."""

    def __init__(self, config: Config, report: Report):
        self.root = config.root
        self.dirs: list[Path] = []
        project_theme = config.root / THEMES_DIR / config.theme
        builtin = builtin_theme_dir()
        if project_theme.is_dir():
            self.dirs.append(project_theme)
        elif config.theme != DEFAULT_THEME:
            available = sorted(p.name for p in (config.root / THEMES_DIR).glob("*") if p.is_dir()) if (config.root / THEMES_DIR).is_dir() else []
            hint = suggestion(config.theme, available + [DEFAULT_THEME]) or f"créez le dossier {THEMES_DIR}/{config.theme}/ ou écrivez « theme: default »"
            report.error(config.locs.get("theme", Location(CONFIG_FILE)), f"le thème « {config.theme} » est introuvable", hint)
        if builtin.resolve() not in [d.resolve() for d in self.dirs]:
            self.dirs.append(builtin)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d / "templates") for d in self.dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.assets = self._collect_assets()

    def _collect_assets(self) -> dict[str, Asset]:
        """Every file under ``assets/``, project first, renamed with a hash of its content."""
        found: dict[str, Path] = {}
        for theme_dir in self.dirs:
            base = theme_dir / "assets"
            if not base.is_dir():
                continue
            for path in sorted(p for p in base.rglob("*") if p.is_file() and not p.name.startswith(".")):
                found.setdefault(path.relative_to(base).as_posix(), path)
        assets = {}
        for logical, path in sorted(found.items()):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            stem, dot, ext = logical.rpartition(".")
            hashed = f"{stem}.{digest}.{ext}" if dot else f"{logical}.{digest}"
            assets[logical] = Asset(path, f"assets/{hashed}")
        return assets

    def asset_output(self, logical: str) -> str:
        asset = self.assets.get(logical)
        if asset is None:
            hint = suggestion(logical, sorted(self.assets)) or "placez le fichier dans le dossier assets/ du thème"
            raise ThemeError(Location(f"{THEMES_DIR}/"), f"fichier de thème introuvable : assets/{logical}", hint)
        return asset.output

    def render(self, template_name: str, context: dict) -> str:
        """Render a template; any template problem becomes a :class:`ThemeError` at the template line."""
        try:
            return self.env.get_template(template_name).render(context)
        except ThemeError as exc:  # e.g. asset() of a missing file: say which template asked for it
            raise ThemeError(self._frame_location(exc) or exc.location, exc.message, exc.hint) from exc
        except jinja2.TemplateNotFound as exc:
            raise ThemeError(
                self._frame_location(exc) or Location(f"{THEMES_DIR}/"),
                f"gabarit introuvable : templates/{exc.name}",
                "restaurez ce fichier, corrigez son nom, ou supprimez votre version du thème pour revenir au thème par défaut",
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise ThemeError(
                Location(self._display(exc.filename), exc.lineno),
                f"erreur de syntaxe dans le gabarit : {exc.message}",
                "vérifiez que chaque {% … %} est fermé (par exemple {% endif %}, {% endfor %}) et que chaque filtre existe",
            ) from exc
        except jinja2.UndefinedError as exc:
            raise ThemeError(
                self._frame_location(exc) or Location(f"{THEMES_DIR}/"),
                f"le gabarit utilise une valeur qui n'existe pas ({exc.message})",
                "vérifiez l'orthographe du nom de variable",
            ) from exc
        except Exception as exc:  # noqa: BLE001 - any other failure inside a template is the template's
            location = self._frame_location(exc)
            if location is None:
                raise
            raise ThemeError(location, f"erreur dans le gabarit : {type(exc).__name__}: {exc}") from exc

    def _display(self, filename: str | None) -> str:
        if not filename:
            return f"{THEMES_DIR}/"
        return relative_name(Path(filename), self.root)

    def _frame_location(self, exc: BaseException) -> Location | None:
        """The innermost template line of a rendering error, from Jinja's rewritten traceback."""
        dirs = [str(d.resolve()) for d in self.dirs]
        found = None
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.endswith(".html") and any(frame.filename.startswith(d) for d in dirs):
                found = Location(self._display(frame.filename), frame.lineno)
        return found
