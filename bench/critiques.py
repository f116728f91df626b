"""Does the critic review a child, or copy its parent's review? Reads saved sessions (e.g.
`orps bench --sessions DIR`) and counts, over every model-written child that the critic
reviewed and whose parent it reviewed too, the critiques that are the parent's word for
word (layout aside), those nearly so (a similarity ratio of at least 0.9 by difflib), and
whether the child's program changed.

    .venv/bin/python bench/critiques.py ../benchset/sessions-v2 [--json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orps_tui.search.parsing import same_program  # noqa: E402
from orps_tui.search.session import SessionError, find_sessions  # noqa: E402
from orps_tui.search.tree import Author, SearchTree  # noqa: E402

NEAR = 0.9
"""difflib's ratio from which a critique counts as nearly the parent's."""


@dataclass
class CritiqueCounts:
    reviewed: int = 0
    """Model-written children reviewed, whose parent was reviewed too."""
    copied: int = 0
    """Their critique is the parent's, whitespace aside."""
    near: int = 0
    """Not copied, but a difflib ratio of at least `NEAR` to the parent's."""
    copied_new_program: int = 0
    """Copied (or near) although the child's program differs from the parent's."""

    def add(self, other: CritiqueCounts) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


def _words(text: str) -> str:
    return " ".join(text.split())


def critique_counts(tree: SearchTree) -> CritiqueCounts:
    counts = CritiqueCounts()
    for node in tree.nodes.values():
        if node.parent_id is None or node.author is not Author.MODEL or not node.critique:
            continue
        parent = tree[node.parent_id]
        if not parent.critique:
            continue
        counts.reviewed += 1
        mine, theirs = _words(node.critique), _words(parent.critique)
        if mine == theirs:
            counts.copied += 1
        elif difflib.SequenceMatcher(None, mine, theirs).ratio() >= NEAR:
            counts.near += 1
        else:
            continue
        counts.copied_new_program += not same_program(node.code, parent.code)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    by_method: dict[str, CritiqueCounts] = {}
    for folder in args.folders:
        for directory, saved in find_sessions(folder):
            if isinstance(saved, SessionError):
                print(f"{directory}: skipped ({saved})", file=sys.stderr)
                continue
            method = directory.parent.parent.name  # DIR/<method>/seed<N>/<session>
            by_method.setdefault(method, CritiqueCounts()).add(critique_counts(saved.tree))
    if args.json:
        print(json.dumps({m: asdict(c) for m, c in sorted(by_method.items())}, indent=2))
        return 0
    for method, c in sorted(by_method.items()):
        if not c.reviewed:
            continue
        print(f"{method}: {c.reviewed} reviewed children: {c.copied} critiques are the "
              f"parent's word for word, {c.near} nearly (ratio >= {NEAR}); "
              f"{c.copied_new_program} of those {c.copied + c.near} review a changed program")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
