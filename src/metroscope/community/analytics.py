"""The expertise ranking: pure, no ORM."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    themes: frozenset[str]
    challenges: frozenset[str]
    topics: frozenset[str]
    languages: frozenset[str]


@dataclass(frozen=True)
class Match:
    id: int
    name: str
    score: int
    themes: list[str] = field(default_factory=list)
    challenges: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)


def rank(
    candidates: list[Candidate],
    *,
    themes: set[str],
    challenges: set[str],
    topics: set[str],
    language: str = "",
) -> list[Match]:
    """Candidates who share at least one reason, best overlap first (ties by name); the
    reasons are the matching codes and topics. A language, when given, is required."""
    wanted_topics = {t.strip().lower() for t in topics if t.strip()}
    matches = []
    for c in candidates:
        if language and language not in c.languages:
            continue
        t, ch, tp = (
            sorted(c.themes & themes),
            sorted(c.challenges & challenges),
            sorted(c.topics & wanted_topics),
        )
        score = len(t) + len(ch) + len(tp)
        if score:
            matches.append(Match(c.id, c.name, score, t, ch, tp))
    return sorted(matches, key=lambda m: (-m.score, m.name))
