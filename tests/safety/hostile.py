"""A pair of releases whose names and values carry every character class that could break
generated Python or be read as SQL: quotes, backslashes, newlines, triple quotes, an
injection attempt, ``%``/``{}`` format characters, non-ASCII text and maximum lengths.
"""

from __future__ import annotations

from planner.state.model import (
    Column,
    Enum,
    ForeignKey,
    FrozenMap,
    Index,
    PrimaryKey,
    RowSet,
    Snapshot,
    Table,
    Unique,
)

INJECTION = "'); DROP TABLE x; --"
#: a table whose survival shows that no name or value ran as SQL
CANARY = "x"

PARENT = 'p\'"\\\n"""' + INJECTION + "%s{}é"
CHILD = "c" * 58  # its primary key "<name>_pkey" is 63 bytes, the PostgreSQL maximum
NAME = "na'me\"\\\n%(x)s{0}ü"
LONG = "ü" * 31 + "x"  # 63 bytes in UTF-8, 32 characters
KIND = 'k"""ind'
UNIQUE = (
    'uq\'"\\%s{}"""' + INJECTION
)  # no newline: SQLite reflection cannot read one (docs/safety.md)
ENUM = "lvl"  # enum names are identifiers of the type grammar (Enum(lvl))
PARENT_REF = "parent" + INJECTION.replace("'", "")  # a column name with the rest of it

#: row values; each is stored in a String column and read back byte for byte
VALUES = [
    "it's",
    'say "hi"',
    'tri"""ple',
    "tri'''ple",
    "back\\slash\\",
    "\\'; \\\"",
    "new\nline\r\n",
    "tab\tand",
    INJECTION,
    '"); DROP TABLE x; --',
    "%(name)s %s %% %d",
    "{curly} {{}} {0}",
    ":bind :name ?",
    "${mako} <%text>",
    "ünïcödé ☃ 𝄞 中文",
    "\u2028line\u2029sep",
    "# not a comment:",
    "",
    " lead",  # not " ": MariaDB's PAD SPACE collations equal it to ""
    "é" * 200,  # the column's maximum length, in characters
]

ENUM_OLD = ("a'b", 'c"d', "back\\slash")
ENUM_NEW = ("x{y}", "a'b", 'c"d', "back\\slash", "%s", INJECTION)


def _parent(values, kind: str, suffix: str) -> Table:
    return Table(
        name=PARENT,
        comment='co"""mment\\ ' + INJECTION,
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name=NAME, type="String(200)", nullable=False, comment='it\'s "x"\n%s'),
            Column(name=LONG, type="Text"),
            Column(name=KIND, type=f"Enum({ENUM})"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        uniques=(Unique(name=UNIQUE, columns=(NAME,)),),
        rows=RowSet(
            key=("id",),
            rows=tuple(
                FrozenMap({"id": i, NAME: v + suffix if len(v) < 190 else v, LONG: v, KIND: kind})
                for i, v in values
            ),
        ),
    )


def _child(parent_ids) -> Table:
    return Table(
        name=CHILD,
        columns=(
            Column(name="id", type="Integer", nullable=False),
            Column(name=PARENT_REF, type="Integer"),
            Column(name="note", type="String(100)"),
        ),
        primary_key=PrimaryKey(columns=("id",)),
        foreign_keys=(
            ForeignKey(
                name="fk" + INJECTION,
                columns=(PARENT_REF,),
                ref_table=PARENT,
                ref_columns=("id",),
            ),
        ),
        indexes=(Index(name="i" * 63, columns=(PARENT_REF,)),),
        rows=RowSet(
            key=("id",),
            rows=tuple(
                FrozenMap({"id": i, PARENT_REF: p, "note": INJECTION})
                for i, p in enumerate(parent_ids, 1)
            ),
        ),
    )


def hostile_pair() -> tuple[Snapshot, Snapshot]:
    """Release 1.0.0 and 2.0.0: 2.0.0 updates every value, adds rows and enum values, deletes a row."""
    numbered = list(enumerate(VALUES, 1))
    old = Snapshot(
        release="1.0.0",
        enums=(Enum(name=ENUM, values=ENUM_OLD),),
        tables=(_parent(numbered, "a'b", ""), _child([1, 2, 3])),
    )
    new = Snapshot(
        release="2.0.0",
        enums=(Enum(name=ENUM, values=ENUM_NEW),),
        tables=(
            _parent([*numbered[1:], (len(VALUES) + 1, INJECTION + " ✓")], INJECTION, " ✓"),
            _child([2, 3, 4]),
        ),
    )
    return old, new


def rows_of(snapshot: Snapshot) -> dict[str, list[dict]]:
    """The managed rows of each table, as plain dicts sorted by id."""
    return {
        t.name: sorted((dict(r) for r in t.rows.rows), key=lambda r: r["id"])
        for t in snapshot.tables
        if t.rows
    }
