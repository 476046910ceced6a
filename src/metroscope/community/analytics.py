"""The expertise ranking: pure, no ORM."""

from __future__ import annotations

import re
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
    text: str = "",
) -> list[Match]:
    """Candidates who share at least one reason, best overlap first (ties by name); the
    reasons are the matching codes and topics. A language, when given, is required. A
    candidate's topic found in `text` as whole words (any case) matches as a topic."""
    wanted_topics = {t.strip().lower() for t in topics if t.strip()}
    words = " ".join(re.findall(r"\w+", text.lower()))
    matches = []
    for c in candidates:
        if language and language not in c.languages:
            continue
        in_text = {tp for tp in c.topics if _in_words(tp, words)}
        t, ch, tp = (
            sorted(c.themes & themes),
            sorted(c.challenges & challenges),
            sorted((c.topics & wanted_topics) | in_text),
        )
        score = len(t) + len(ch) + len(tp)
        if score:
            matches.append(Match(c.id, c.name, score, t, ch, tp))
    return sorted(matches, key=lambda m: (-m.score, m.name))


def _in_words(topic: str, words: str) -> bool:
    """Whether the topic's words appear, in order and whole, in the space-joined words."""
    wanted = " ".join(re.findall(r"\w+", topic.lower()))
    return bool(wanted) and f" {wanted} " in f" {words} "
