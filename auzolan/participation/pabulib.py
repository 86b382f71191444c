"""Anonymised ballots of a budget in the Pabulib format (pabulib.org), readable by pabutools.

A file has three sections separated by their header lines: META (key;value), PROJECTS (project_id;cost;…) and
VOTES (voter_id;vote). Voters are numbered 1…n in the order of their random receipts — never a user or ballot id,
never the order of voting — and nothing else about them is written. Paper ballots are only counted per project, so
they appear in the PROJECTS section (column `paper_votes`), not in VOTES.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PabulibProject:
    id: int
    cost: int
    name: str
    online_votes: int
    paper_votes: int
    selected: bool


def _clean(value) -> str:
    """A field value: no separator, no line break (names are free text)."""
    return " ".join(str(value).replace(";", ",").split())


def write(
    *,
    meta: dict[str, object],
    projects: Iterable[PabulibProject],
    votes: Iterable[Iterable[int]],
) -> str:
    """The file's text. `votes` are the project ids of each ballot, already in the published voter order."""
    lines = ["META", "key;value"]
    lines.extend(f"{_clean(key)};{_clean(value)}" for key, value in meta.items() if value not in (None, ""))
    lines.append("PROJECTS")
    lines.append("project_id;cost;votes;name;selected;paper_votes")
    for project in projects:
        lines.append(
            f"{project.id};{project.cost};{project.online_votes};{_clean(project.name)};"
            f"{1 if project.selected else 0};{project.paper_votes}"
        )
    lines.append("VOTES")
    lines.append("voter_id;vote")
    for number, ballot in enumerate(votes, start=1):
        lines.append(f"{number};{','.join(str(pid) for pid in sorted(ballot))}")
    return "\n".join(lines) + "\n"
