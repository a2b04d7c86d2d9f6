"""The code speaks the domain's words and its source references point somewhere.

Two guards over every tracked file (`git ls-files`, no database):

- no working names or process words (the names of whoever wrote a piece, or "issue 5"): a
  comment says why in the sources' words, citing a seed paragraph, not who or which ticket;
- every seed a comment or data file cites (`seed 003`, `000 L1151`, `001 ¶4.2`) is one that
  docs/sources.md describes, and no line reference runs past the end of its seed.

docs/ may quote these patterns (it explains them), and so may this file.
"""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()
SOURCES = ROOT / "docs" / "sources.md"

WORKING_NAMES = [
    re.compile(r"\bhelper_[a-z]\b", re.IGNORECASE),
    re.compile(r"\bhelper [A-Z]\b"),
    re.compile(r"\bissues? #?\d+(?:/\d+)?\b", re.IGNORECASE),
    re.compile(r"\bsub-?agent\b", re.IGNORECASE),
    re.compile(r"\bTODO\("),
]

# `seed 003`, `Seeds 002`; and a seed number directly before a line or paragraph reference
# (`000 L1151`, `003 L189–199`, `000 ¶8.4`).
SEED_NAMED = re.compile(r"\bseeds? (\d{3})\b", re.IGNORECASE)
SEED_CITED = re.compile(r"\b(0\d\d) (?:L\d|¶)")
LINE_RANGE = re.compile(r"\b(0\d\d) L(\d+)(?:\s?[–-]\s?(\d+))?")

# docs/sources.md's file table: | 000 | `000_4749e1750e445a18.txt` | 10,233 | ... |
SEED_ROW = re.compile(r"^\| (\d{3}) \| `\1_[0-9a-f]+\.txt` \| ([\d,]+) \|", re.MULTILINE)


def tracked_files(*patterns):
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", *patterns], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [name for name in listed.decode().split("\0") if name]


def checked_files():
    return [
        name
        for name in tracked_files("*.py", "*.html", "*.toml", "*.md")
        if not name.startswith("docs/") and name != THIS_FILE
    ]


def working_names(text):
    """Each working name or process word in `text`, as (line number, the words found)."""
    return [
        (number, match.group(0))
        for number, line in enumerate(text.splitlines(), start=1)
        for pattern in WORKING_NAMES
        for match in pattern.finditer(line)
    ]


def documented_seeds():
    """{seed number: line count} from docs/sources.md's table of seed files."""
    return {seed: int(lines.replace(",", "")) for seed, lines in SEED_ROW.findall(SOURCES.read_text())}


def test_the_detector_finds_working_names_and_lets_domain_words_pass():
    found = working_names("Written by hand (helper_d).\nRecords are CYJS's (issue 5/6, Access).\nGoal (Issue 3): 30 s.")
    assert [words for _, words in found] == ["helper_d", "issue 5/6", "Issue 3"]
    assert working_names("Shared helpers for pages. Issued on 11 January 2024 (000 ¶12.2).") == []


def test_no_working_names_in_tracked_files():
    offenders = [
        f"{name}:{number}: {words}"
        for name in checked_files()
        for number, words in working_names((ROOT / name).read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == [], "working names or process words; say why in the domain's words:\n" + "\n".join(offenders)


def test_sources_page_lists_the_five_seeds_with_their_lengths():
    assert documented_seeds() == {"000": 10233, "001": 2974, "002": 724, "003": 280, "004": 723}


def test_every_cited_seed_is_described_in_docs_sources():
    seeds = documented_seeds()
    unknown = [
        f"{name}:{number}: seed {seed}"
        for name in checked_files()
        for number, line in enumerate((ROOT / name).read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        for pattern in (SEED_NAMED, SEED_CITED)
        for seed in pattern.findall(line)
        if seed not in seeds
    ]
    assert unknown == [], "cited seeds that docs/sources.md does not describe:\n" + "\n".join(unknown)


def test_no_line_reference_runs_past_the_end_of_its_seed():
    seeds = documented_seeds()
    past_end = [
        f"{name}:{number}: {match.group(0)}"
        for name in checked_files()
        for number, line in enumerate((ROOT / name).read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        for match in LINE_RANGE.finditer(line)
        if match.group(1) in seeds and int(match.group(3) or match.group(2)) > seeds[match.group(1)]
    ]
    assert past_end == [], "line references past the end of the seed:\n" + "\n".join(past_end)
