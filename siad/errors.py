"""Located diagnostics: every problem siad reports names a file, a line and a column, in French."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ERROR = "erreur"
WARNING = "avertissement"
GAP = "lacune"  # a known gap of the sources, acknowledged in the data: listed by every build, never fatal


@dataclass(frozen=True, order=True)
class Location:
    """A place in a project file; line and column are 1-based, None when unknown."""

    path: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One message for the person editing the project."""

    location: Location
    message: str
    hint: str | None = None
    severity: str = ERROR

    def format(self) -> str:
        text = f"{self.location}: {self.severity} : {self.message}"
        if self.hint:
            text += f"\n    → {self.hint}"
        return text


@dataclass
class Report:
    """Collects every diagnostic of a run, so that all problems are shown at once."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    promoted: int = 0  # warnings counted as errors by --strict

    def error(self, location: Location, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(location, message, hint, ERROR))

    def warning(self, location: Location, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(location, message, hint, WARNING))

    def gap(self, location: Location, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(location, message, hint, GAP))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == WARNING]

    @property
    def gaps(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == GAP]

    @property
    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.diagnostics)

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics in a stable order: by file, then line, errors before warnings."""
        return sorted(
            self.diagnostics,
            key=lambda d: (d.location.path, d.location.line or 0, d.location.col or 0, d.severity != ERROR),
        )

    def promote_warnings(self) -> None:
        """Strict mode: every warning becomes an error; acknowledged gaps stay listed as gaps."""
        self.promoted += len(self.warnings)
        self.diagnostics = [
            Diagnostic(d.location, d.message, d.hint, ERROR) if d.severity == WARNING else d
            for d in self.diagnostics
        ]


class ProjectError(Exception):
    """Raised to stop the pipeline once a stage has reported errors."""

    def __init__(self, report: Report):
        super().__init__(f"{len(report.errors)} erreur(s)")
        self.report = report


class PublishProblem(Exception):
    """A publication that cannot be done (exit code 1); nothing was changed online."""


class UsageProblem(Exception):
    """A mistake in how siad was called (exit code 2), not in the project."""


def relative_name(path: Path, root: Path) -> str:
    """The path shown in messages: relative to the project root when possible, with forward slashes."""
    if not path.is_symlink():
        try:  # the usual case, without asking the file system: a path built from the project's root
            relative = path.relative_to(root)
            if ".." not in relative.parts:
                return relative.as_posix()
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
