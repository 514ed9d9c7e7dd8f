"""Writing generated/ and checking it is up to date (the bytes of every file, and no stray files)."""
from pathlib import Path

IGNORED_SUFFIXES = (".pyc", ".nbi", ".nbc")


def tracked(root):
    """Relative paths of the files under root that the generator owns (caches excluded)."""
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(IGNORED_SUFFIXES))


def stale(root, files):
    """Paths (relative to root) whose bytes differ from ``files`` ({path: text}), are missing, or are extra."""
    root = Path(root)
    wrong = [path for path, text in files.items()
             if not (root / path).is_file() or (root / path).read_bytes() != text.encode()]
    extra = [path for path in tracked(root) if path not in files]
    return sorted(wrong + extra)


def write(root, files):
    """Write every file whose content changed and remove files the generator no longer produces."""
    root = Path(root)
    changed = stale(root, files)
    for path in changed:
        target = root / path
        if path in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[path].encode())
        else:
            target.unlink()
    return changed
