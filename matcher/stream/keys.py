"""The duplicate groups of a whole register, resolved on disk in bounded memory.

Owns the second half of the merge rule (`matcher.ingest.dedupe.resolve_keys`) for inputs too large
to hold: DuckDB reads the key parts every batch wrote (name key, code key, branch flag; 曾用名 and
branch-parent names as separate small tables) and does the rule's lookups as joins — a row without a
code takes the code of the first row (input order) with its name, a 曾用名 or branch parent is looked
up among non-branch names carried by one key only — spilling to disk under a memory limit. Only the
曾用名 links are walked in Python, in input order, through the in-memory rule's union-find
(`_Groups`, here `_IntGroups` over integer ids DuckDB gives the keys: a few bytes per renamed
company, no strings, so memory stays flat as the register grows). The result is `multi.parquet`: every row that
belongs to a group of two or more (key, rule, group, rolled branch, former-name flag, bucket), sorted
by row id; every other row is a company of its own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..ingest.dedupe import _Groups

HOW = ("统一社会信用代码", "企业名称（对应信用代码）", "企业名称")
MEMORY_LIMIT = "256MB"


def _source(folder: Path, empty: str) -> str:
    files = sorted(folder.glob("*.parquet")) if folder.exists() else []
    if not files:
        return f"(SELECT * FROM (VALUES {empty}) WHERE false)"
    return f"read_parquet('{folder.as_posix()}/*.parquet')"


def resolve_groups(work: Path, bucket_rows: int, threads: int = 1) -> dict:
    """Write work/multi.parquet (rows in groups of two or more, with their bucket) and return
    {'multi_rows': …, 'groups': …, 'buckets': …}."""
    import duckdb

    tmp = work / "duckdb_tmp"
    tmp.mkdir(exist_ok=True)
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(tmp), "threads": max(1, threads)})
    try:
        return _resolve(con, work, bucket_rows)
    finally:
        con.close()


def _resolve(con, work: Path, bucket_rows: int) -> dict:
    keys = _source(work / "keys", "(0::BIGINT, ''::VARCHAR, ''::VARCHAR, false)")
    former = _source(work / "former", "(0::BIGINT, 0::INTEGER, ''::VARCHAR)")
    prefix = _source(work / "prefix", "(0::BIGINT, 0::INTEGER, ''::VARCHAR)")
    con.execute(f"CREATE TEMP VIEW k AS SELECT gid, nk, code, branch FROM {keys} AS t(gid, nk, code, branch)")
    con.execute(f"CREATE TEMP VIEW f AS SELECT * FROM {former} AS t(gid, fidx, fname)")
    con.execute(f"CREATE TEMP VIEW p AS SELECT * FROM {prefix} AS t(gid, plen, prefix)")
    # a row without a code takes the code of the first coded row with the same name
    con.execute(
        "CREATE TEMP TABLE nc AS SELECT nk, arg_min(code, gid) AS c FROM k "
        "WHERE code IS NOT NULL AND nk IS NOT NULL GROUP BY nk"
    )
    con.execute(
        "CREATE TEMP TABLE k0 AS SELECT k.gid, k.nk, k.branch, "
        "CASE WHEN k.code IS NOT NULL THEN k.code WHEN nc.c IS NOT NULL THEN nc.c "
        "ELSE 'N:' || coalesce(k.nk, 'None') END AS key0, "
        "CASE WHEN k.code IS NOT NULL THEN 0 WHEN nc.c IS NOT NULL THEN 1 ELSE 2 END AS how "
        "FROM k LEFT JOIN nc ON k.code IS NULL AND k.nk = nc.nk"
    )
    # names a 曾用名 or a branch points at, carried by non-branch rows of one key only
    con.execute(
        "CREATE TEMP TABLE lookup AS SELECT nk AS n, min(key0) AS t FROM k0 "
        "WHERE NOT branch AND nk IS NOT NULL AND nk IN (SELECT fname FROM f UNION SELECT prefix FROM p) "
        "GROUP BY nk HAVING count(DISTINCT key0) = 1"
    )
    # the 曾用名 links in input order, their keys and names as dense integer ids (DuckDB holds the
    # strings): Python holds a few bytes per renamed company, never the keys themselves
    con.execute(
        "CREATE TEMP TABLE links AS SELECT row_number() OVER (ORDER BY f.gid, f.fidx) AS i, "
        "k0.key0 AS a, lookup.t AS t, f.fname AS n FROM f JOIN k0 USING (gid) "
        "JOIN lookup ON f.fname = lookup.n WHERE k0.key0 <> lookup.t"
    )
    con.execute(
        "CREATE TEMP TABLE ids AS SELECT (row_number() OVER (ORDER BY k) - 1)::INTEGER AS id, k, "
        "NOT starts_with(k, 'N:') AS coded FROM (SELECT a AS k FROM links UNION SELECT t FROM links)"
    )
    con.execute(
        "CREATE TEMP TABLE nids AS SELECT (row_number() OVER (ORDER BY n) - 1)::INTEGER AS id, n "
        "FROM (SELECT DISTINCT n FROM links)"
    )
    coded = con.sql("SELECT coded FROM ids ORDER BY id").fetchnumpy()["coded"].astype(bool)
    n_names = con.execute("SELECT count(*) FROM nids").fetchall()[0][0]
    groups = _IntGroups(coded)
    matched = np.zeros(n_names, dtype=bool)
    reader = con.sql(
        "SELECT ia.id AS a, it.id AS t, nn.id AS n FROM links JOIN ids ia ON links.a = ia.k "
        "JOIN ids it ON links.t = it.k JOIN nids nn ON links.n = nn.n ORDER BY links.i"
    ).to_arrow_reader(65536)
    for batch in reader:  # the rule's union-find (`_Groups`), in input order, over the 曾用名 links only
        for a, t, n in zip(*(batch.column(i).to_numpy().tolist() for i in range(3))):
            if groups.union(a, t):
                matched[n] = True
    moved = groups.moved()
    con.register("roots_in", pa.table({"id": pa.array(moved), "root": pa.array(groups.roots(moved))}))
    con.register("names_in", pa.table({"id": pa.array(np.flatnonzero(matched).astype(np.int32))}))
    con.execute(
        "CREATE TEMP TABLE roots AS SELECT ia.k AS k, ir.k AS r FROM roots_in "
        "JOIN ids ia ON roots_in.id = ia.id JOIN ids ir ON roots_in.root = ir.id"
    )
    con.execute("CREATE TEMP TABLE oldnames AS SELECT nids.n FROM names_in JOIN nids USING (id)")
    con.unregister("roots_in")
    con.unregister("names_in")
    # a branch rolls into the longest parent name found
    con.execute(
        "CREATE TEMP TABLE parents AS SELECT p.gid, arg_max(lookup.t, p.plen) AS t FROM p "
        "JOIN lookup ON p.prefix = lookup.n GROUP BY p.gid"
    )
    con.execute(
        "CREATE TEMP TABLE fin AS SELECT k0.gid, k0.key0, k0.how, "
        "CASE WHEN parents.t IS NOT NULL THEN coalesce(r2.r, parents.t) ELSE coalesce(r1.r, k0.key0) END AS final, "
        "parents.t IS NOT NULL AS rolled, "
        "(oldnames.n IS NOT NULL AND parents.t IS NULL) AS old_name "
        "FROM k0 LEFT JOIN parents USING (gid) LEFT JOIN roots r1 ON k0.key0 = r1.k "
        "LEFT JOIN roots r2 ON parents.t = r2.k LEFT JOIN oldnames ON k0.nk = oldnames.n"
    )
    con.execute("CREATE TEMP TABLE big AS SELECT final, count(*) AS size FROM fin GROUP BY final HAVING count(*) > 1")
    multi_rows, n_groups = con.execute("SELECT coalesce(sum(size), 0)::BIGINT, count(*) FROM big").fetchone()
    buckets = max(1, -(-int(multi_rows) // max(1, bucket_rows)))
    out = work / "multi.parquet"
    tmp = work / ".multi.parquet.tmp"
    con.execute(
        f"COPY (SELECT fin.gid, fin.key0, fin.how, fin.final, fin.rolled, fin.old_name, "
        f"(hash(fin.final) % {buckets})::INTEGER AS bucket FROM fin JOIN big USING (final) ORDER BY fin.gid) "
        f"TO '{tmp.as_posix()}' (FORMAT parquet, ROW_GROUP_SIZE 65536)"
    )
    tmp.replace(out)
    return {"multi_rows": int(multi_rows), "groups": int(n_groups), "buckets": buckets}


class _IntGroups(_Groups):
    """`matcher.ingest.dedupe._Groups` over dense integer key ids (a numpy parent array, `coded[id]`
    True for a key that is a credit code): the same unions, the same roots (the union rule is `_Groups.union`), four bytes a key."""

    def __init__(self, coded: np.ndarray):
        self.coded = coded
        self.parent = np.arange(len(coded), dtype=np.int32)

    def find(self, k: int) -> int:
        parent = self.parent
        root = k
        while parent[root] != root:
            root = int(parent[root])
        while parent[k] != root:
            parent[k], k = root, int(parent[k])
        return root

    def _coded(self, root: int) -> bool:
        return bool(self.coded[root])

    def moved(self) -> np.ndarray:
        """Ids that are not their group's root (the keys `_Groups.parent` holds)."""
        return np.flatnonzero(self.parent != np.arange(len(self.parent))).astype(np.int32)

    def roots(self, ids: np.ndarray) -> np.ndarray:
        return np.array([self.find(int(k)) for k in ids], dtype=np.int32)


def multi_rows(work: Path, lo: int, hi: int) -> pa.Table:
    """The rows of multi.parquet with lo <= gid <= hi (row groups outside are skipped)."""
    return pq.read_table(work / "multi.parquet", filters=[("gid", ">=", lo), ("gid", "<=", hi)])
