#!/usr/bin/env python3
"""Generate retort benchmark workloads (see bench/README.md).

    gen.py OUTDIR [N ...]

writes, for each N (default 100 1000 10000), and for each format:

    OUTDIR/chain-N-conf/   retort.conf, migrations/versions/*.conf
    OUTDIR/chain-N-sql/    retort.conf, migrations/versions/*.sql
    OUTDIR/chain-N-floor/  up-{sqlite,postgresql,mysql}.sql, down-*.sql:
                           the same DDL in one file, one transaction

and one branched graph:

    OUTDIR/branched-10000-conf/  10,000 revisions, 50 branch labels,
                                 20 merge points (several heads)

Each chained revision creates one table (id integer primary key,
name varchar(50) not null, created_at timestamp) and one index on name;
its downgrade drops both.  Everything is deterministic: the same command
writes the same bytes.
"""
import hashlib
import os
import sys

CONF = """script_location = "migrations";
database = { url = "${DATABASE_URL:-sqlite:///bench.db}"; };
"""


def rev_id(tag, i):
    return hashlib.sha1(("%s-%d" % (tag, i)).encode()).hexdigest()[:12]


def table(i):
    return "t_%05d" % i


def conf_script(rid, parents, i, labels=(), date="2026-01-01 00:00:00"):
    out = ['revision = "%s";' % rid]
    if len(parents) == 1:
        out.append('down_revision = "%s";' % parents[0])
    elif parents:
        out.append("down_revision = [ %s ];" % ", ".join('"%s"' % p for p in parents))
    if labels:
        out.append("branch_labels = [ %s ];" % ", ".join('"%s"' % l for l in labels))
    t = table(i)
    out.append('message = "create %s";' % t)
    out.append('create_date = "%s";' % date)
    out.append("")
    out.append("upgrade = (")
    out.append('  { op = "create_table"; table = "%s";' % t)
    out.append("    columns = (")
    out.append('      { name = "id"; type = "integer"; primary_key = true; },')
    out.append('      { name = "name"; type = "varchar(50)"; nullable = false; },')
    out.append('      { name = "created_at"; type = "timestamp"; }')
    out.append("    ); },")
    out.append('  { op = "create_index"; name = "ix_%s_name"; table = "%s"; columns = [ "name" ]; }' % (t, t))
    out.append(");")
    out.append("")
    out.append("downgrade = (")
    out.append('  { op = "drop_index"; name = "ix_%s_name"; table = "%s"; },' % (t, t))
    out.append('  { op = "drop_table"; table = "%s"; }' % t)
    out.append(");")
    return "\n".join(out) + "\n"


def up_sql(i):
    t = table(i)
    return ("CREATE TABLE %s (id integer PRIMARY KEY, name varchar(50) NOT NULL, created_at timestamp NULL);\n"
            "CREATE INDEX ix_%s_name ON %s (name);\n" % (t, t, t))


def down_sql(i, dialect):
    t = table(i)
    if dialect == "mysql":
        return "DROP INDEX ix_%s_name ON %s;\nDROP TABLE %s;\n" % (t, t, t)
    return "DROP INDEX ix_%s_name;\nDROP TABLE %s;\n" % (t, t)


def sql_script(rid, parent, i):
    out = ["-- retort:revision %s" % rid]
    if parent:
        out.append("-- retort:down_revision %s" % parent)
    out.append("-- retort:message create %s" % table(i))
    out.append("-- retort:create_date 2026-01-01 00:00:00")
    out.append("")
    out.append("-- retort:upgrade")
    # .sql scripts are raw SQL for one dialect; this DDL is portable across
    # the three (DROP INDEX differs on MySQL, so the downgrade drops the
    # table, which takes its index with it).
    out.append(up_sql(i).rstrip("\n"))
    out.append("")
    out.append("-- retort:downgrade")
    out.append("DROP TABLE %s;" % table(i))
    return "\n".join(out) + "\n"


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def project(d):
    os.makedirs(os.path.join(d, "migrations", "versions"), exist_ok=True)
    write(os.path.join(d, "retort.conf"), CONF)
    return os.path.join(d, "migrations", "versions")


def chain(out, n):
    ids = [rev_id("chain%d" % n, i) for i in range(n)]
    for fmt in ("conf", "sql"):
        v = project(os.path.join(out, "chain-%d-%s" % (n, fmt)))
        for i in range(n):
            parent = ids[i - 1] if i else None
            name = os.path.join(v, "%s_create_%s.%s" % (ids[i], table(i), fmt))
            if fmt == "conf":
                write(name, conf_script(ids[i], [parent] if parent else [], i))
            else:
                write(name, sql_script(ids[i], parent, i))
    fl = os.path.join(out, "chain-%d-floor" % n)
    os.makedirs(fl, exist_ok=True)
    for dialect in ("sqlite", "postgresql", "mysql"):
        begin = "START TRANSACTION;\n" if dialect == "mysql" else "BEGIN;\n"
        up = [begin] + [up_sql(i) for i in range(n)] + ["COMMIT;\n"]
        down = [begin] + [down_sql(i, dialect) for i in reversed(range(n))] + ["COMMIT;\n"]
        # psql -1 wraps the file in its own transaction: no BEGIN/COMMIT there
        if dialect == "postgresql":
            up, down = up[1:-1], down[1:-1]
        write(os.path.join(fl, "up-%s.sql" % dialect), "".join(up))
        write(os.path.join(fl, "down-%s.sql" % dialect), "".join(down))
    return ids


def branched(out, total=10000, nbranch=50, nmerge=20, per_branch=170, after_merge=4):
    """A trunk; 50 labelled branches forking from it at spread-out points;
    20 merge revisions, each joining the tips of two branches, followed by
    a few revisions on the merged line.  Heads: trunk tip, 10 unmerged
    branch tips, 20 merged lines."""
    trunk = total - nbranch * per_branch - nmerge * (1 + after_merge)
    assert trunk > nbranch
    v = project(os.path.join(out, "branched-%d-conf" % total))
    k = 0
    ids = []

    def emit(parents, labels=()):
        nonlocal k
        rid = rev_id("branched", k)
        name = os.path.join(v, "%s_create_%s.conf" % (rid, table(k)))
        write(name, conf_script(rid, parents, k, labels))
        ids.append(rid)
        k += 1
        return rid

    tr = []
    prev = None
    for i in range(trunk):
        prev = emit([prev] if prev else [])
        tr.append(prev)
    tips = []
    step = trunk // (nbranch + 1)
    for b in range(nbranch):
        prev = emit([tr[step * (b + 1)]], labels=("b%02d" % b,))
        for _ in range(per_branch - 1):
            prev = emit([prev])
        tips.append(prev)
    for m in range(nmerge):
        prev = emit([tips[2 * m], tips[2 * m + 1]])
        for _ in range(after_merge):
            prev = emit([prev])
    assert k == total, k


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: gen.py OUTDIR [N ...]\n")
        return 2
    out = sys.argv[1]
    ns = [int(a) for a in sys.argv[2:]] or [100, 1000, 10000]
    for n in ns:
        chain(out, n)
    if 10000 in ns or not sys.argv[2:]:
        branched(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
