"""Generate folders of synthetic story files for the benchmarks (repeatable from a seed)."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
WORDS = ("government officials announced new measures after talks with regional leaders about "
         "security trade energy border migration markets elections courts protests funding "
         "agreement negotiations ministry report investigation companies agency ceasefire").split()
HEADS = ("Talks Stall Over Border Security Markets Rally After Central Bank Decision Court Rules "
         "Against Ministry Leaders Agree on Trade Deal Protests Spread Across Capital").split()


def random_date(rng: random.Random) -> str:
    """A date in one of the forms story files use, decades to days."""
    y = rng.randint(1900, 2026)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    form = rng.random()
    if form < 0.05:
        return f"{y // 10 * 10}s"
    if form < 0.15:
        return str(y)
    if form < 0.22:
        return rng.choice([f"Early {y}", f"Mid-{y}", f"Late {y}"])
    if form < 0.35:
        return f"{rng.choice(MONTHS + LONG_MONTHS[:3])} {y}"
    if form < 0.8:
        return f"{MONTHS[m - 1]} {d}, {y}"
    if form < 0.86:
        return f"{d} {LONG_MONTHS[m - 1]} {y}"
    if form < 0.9:
        return f"{y}-{m:02d}-{d:02d}"
    if form < 0.95:
        return f"{MONTHS[m - 1]} {d}–{d + rng.randint(1, 3)}, {y}"
    return f"{y}–{y + rng.randint(1, 5)}"


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:]


def story_text(rng: random.Random, events: int = 10) -> str:
    """One story of about 5 KB with ``events`` timeline events."""
    sources = rng.randint(2, 6)
    lines = [f"{' '.join(rng.sample(HEADS, 6))} {rng.randint(1, 99)}", f"Updated ({sources} articles)"]
    for _ in range(4):
        heading = " ".join(rng.sample(HEADS, rng.randint(3, 7)))
        lines.append(f"{heading} The {sentence(rng, 24).lower()} [{rng.randint(1, sources)}]. "
                     f"{sentence(rng, 18)} [{rng.randint(1, sources)}].")
    lines.append("Timeline")
    for _ in range(events):
        cites = "".join(f"[{n}]" for n in sorted(rng.sample(range(1, sources + 1), rng.randint(1, 2))))
        lines.append(f"{random_date(rng)} – {sentence(rng, rng.randint(28, 42))} {cites}.")
    return "\n".join(lines) + "\n"


def generate(folder: Path, files: int = 10_000, events: int = 10, seed: int = 1) -> int:
    """Write ``files`` stories into ``folder`` (in 100 subfolders); returns the bytes written."""
    rng = random.Random(seed)
    total = 0
    for i in range(files):
        sub = folder / f"part{i % 100:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        data = story_text(rng, events).encode("utf-8")
        (sub / f"story{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    written = generate(args.folder, args.files, args.events, args.seed)
    print(f"wrote {args.files} files, {written / 1e6:.1f} MB, into {args.folder}")
