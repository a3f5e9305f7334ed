"""``dbplan fmt [--check] [FILES]``: rewrite snapshots in dbplan's canonical form.

The canonical form is what ``dbplan snapshot`` writes (:func:`planner.state.yamlio.dump_snapshot`):
the same state always gives the same text, so hand edits review as small diffs. The
first line's ``# yaml-language-server: $schema=...`` reference is kept as written.

dbplan's YAML writer does not keep comments, so a file with a comment (other than that
first line) is refused by name unless ``--force`` drops its comments. ``--check`` writes
nothing and exits 3 when a file would change (a pre-commit hook, a CI step).
"""

from __future__ import annotations

import re
from pathlib import Path

import click

_HEADER = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


def comment_lines(text: str) -> list[int]:
    """The 1-based lines with a YAML comment, the first line's ``$schema`` reference aside.

    A ``#`` counts when it lies outside every scalar the YAML scanner reads (so ``'a #b'``
    is not a comment).

    Example:
        >>> comment_lines("a: 1  # why\\nb: 'x # y'\\n# gone\\n")
        [1, 3]
    """
    import yaml

    header = _HEADER.match(text)
    start = header.end() if header else 0
    spans = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken):
                spans.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        pass  # the loader names the error; count every '#' meanwhile
    lines = set()
    for m in re.finditer("#", text):
        i = m.start()
        if i < start or any(a <= i < b for a, b in spans):
            continue
        if i == 0 or text[i - 1] in " \t\n":
            lines.add(text.count("\n", 0, i) + 1)
    return sorted(lines)


def canonical_text(path: Path, shown: str) -> str:
    """The canonical text of the snapshot at ``path`` (raises SnapshotError when invalid)."""
    from planner.state.yamlio import dump_snapshot, load_snapshot

    text = path.read_text(encoding="utf-8")
    header = _HEADER.match(text)
    snap = load_snapshot(path, filename=shown)
    return dump_snapshot(snap, schema_ref=header.group(1) if header else None)


@click.command("fmt")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--check", "check_only", is_flag=True, help="Write nothing; exit 3 if a file would change."
)
@click.option("--force", is_flag=True, help="Rewrite files with comments too (drops the comments).")
@click.pass_obj
def fmt(obj, files: tuple[str, ...], check_only: bool, force: bool) -> None:
    """Rewrite snapshots (default: every one of the project) in canonical form.

    \b
    The first line's `# yaml-language-server: $schema=...` is kept. Other comments
    cannot be kept: a file with comments is refused (exit 1) unless --force.
    Exit 0 when every file is canonical (or was rewritten), 1 on an invalid snapshot
    or a refused file, 3 under --check when a file would change.
    """
    from planner.cli import Differences
    from planner.state.errors import SnapshotError
    from planner.state.yamlio import _atomic_write

    if files:
        paths = [Path(f) for f in files]

        def show(p: Path) -> str:
            return str(p)
    else:
        project = obj.project
        paths = [project.snapshot_files()[k] for k in sorted(project.snapshot_files())]
        show = project.display
    changed, refused, invalid = [], [], 0
    for path in paths:
        shown = show(path)
        text = path.read_text(encoding="utf-8")
        try:
            want = canonical_text(path, shown)
        except SnapshotError as e:
            click.echo(str(e), err=True)
            invalid += 1
            continue
        if want == text:
            continue
        if check_only:
            click.echo(f"{shown}: not in canonical form (dbplan fmt {shown})", err=True)
            changed.append(shown)
            continue
        comments = comment_lines(text)
        if comments and not force:
            where = ", ".join(str(n) for n in comments[:5])
            click.echo(
                f"{shown}:{comments[0]}: has comments (line {where}) that dbplan fmt cannot keep; "
                f"left unchanged (move them into a README, or pass --force to drop them)",
                err=True,
            )
            refused.append(shown)
            continue
        _atomic_write(path, want.encode("utf-8"), overwrite=True)
        click.echo(f"reformatted {shown}")
        changed.append(shown)
    if invalid or refused:
        parts = [f"{invalid} invalid snapshot(s)"] if invalid else []
        parts += [f"{len(refused)} file(s) with comments left unchanged"] if refused else []
        raise click.ClickException(", ".join(parts))
    if check_only and changed:
        raise Differences(f"{len(changed)} file(s) would be reformatted")
    if not changed:
        click.echo(f"{len(paths)} snapshot(s) already canonical")
