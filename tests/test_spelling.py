"""One spelling throughout: the book writes American "center", "centered", "centering"."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRITISH = re.compile(r"\b(centred|centring|centres?)\b", re.I)


def _files():
    yield ROOT / "README.md"
    yield from sorted((ROOT / "book").glob("**/*.md"))
    yield from sorted((ROOT / "code").glob("**/*.py"))


def test_center_is_spelled_the_american_way():
    found = []
    for path in _files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in BRITISH.finditer(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r} in {line.strip()[:90]!r}")
    assert not found, "British spelling (the book uses center/centered/centering):\n" + "\n".join(found)
