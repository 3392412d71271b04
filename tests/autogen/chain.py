#!/usr/bin/env python3
"""Write a chain of target schemas for the autogenerate property test.

usage: chain.py DIALECT OUTDIR

Step 0 is an empty schema; each later step changes the one before it in
one way (every change kind autogenerate knows, and the renames), so each
consecutive pair (A, B) is one case: autogenerate A -> B, upgrade, check,
and later downgrade back to A and check again.  Steps a dialect cannot
hold (comments on SQLite, partial and expression indexes on MariaDB,
enums outside PostgreSQL) are left out for it.  Prints the number of
steps written.
"""
import copy
import os
import sys

dialect, out = sys.argv[1], sys.argv[2]


def col(name, type_, **kw):
    c = {"name": name, "type": type_}
    c.update(kw)
    return c


def table(name, columns, **kw):
    t = {"name": name, "columns": columns}
    t.update(kw)
    return t


def find(s, name):
    for t in s["tables"]:
        if t["name"] == name:
            return t
    raise KeyError(name)


def findcol(t, name):
    for c in t["columns"]:
        if c["name"] == name:
            return c
    raise KeyError(name)


steps = []  # (name, dialects or None, function(schema))


def step(name, only=None):
    def deco(fn):
        steps.append((name, only, fn))
        return fn
    return deco


@step("create org and account")
def _(s):
    s["tables"] += [
        table("org", [col("id", "integer", primary_key=True, autoincrement=True),
                      col("name", "varchar(100)", nullable=False)]),
        table("account", [col("id", "bigint", primary_key=True),
                          col("email", "varchar(255)", nullable=False),
                          col("org_id", "integer"),
                          col("balance", "numeric(12,2)", nullable=False, server_default="0")],
              indexes=[{"name": "ix_account_email", "columns": ["email"]}],
              foreign_keys=[{"name": "fk_account_org", "columns": ["org_id"], "references": "org(id)"}]),
    ]


@step("add a column")
def _(s):
    find(s, "account")["columns"].append(col("nickname", "text"))


@step("drop a column")
def _(s):
    t = find(s, "account")
    t["columns"] = [c for c in t["columns"] if c["name"] != "nickname"]


@step("add a column with a default")
def _(s):
    find(s, "account")["columns"].append(col("status", "varchar(20)", server_default="'new'"))


@step("widen a type (length)")
def _(s):
    findcol(find(s, "account"), "status")["type"] = "varchar(40)"


@step("make a column NOT NULL")
def _(s):
    findcol(find(s, "account"), "status")["nullable"] = False


@step("change a server default")
def _(s):
    findcol(find(s, "account"), "status")["server_default"] = "'active'"


@step("drop a server default")
def _(s):
    del findcol(find(s, "account"), "status")["server_default"]


@step("rename a column")
def _(s):
    c = findcol(find(s, "account"), "status")
    c["name"] = "state"
    c["renamed_from"] = "status"


@step("change a precision")
def _(s):
    findcol(find(s, "account"), "balance")["type"] = "numeric(14,4)"


@step("comment a column", only={"postgresql", "mysql"})
def _(s):
    findcol(find(s, "account"), "email")["comment"] = "where we write"


@step("change a column comment", only={"postgresql", "mysql"})
def _(s):
    findcol(find(s, "account"), "email")["comment"] = "login; it's unique per org"


@step("add an index")
def _(s):
    find(s, "account")["indexes"].append({"name": "ix_account_state", "columns": ["state"]})


@step("make an index unique")
def _(s):
    for ix in find(s, "account")["indexes"]:
        if ix["name"] == "ix_account_state":
            ix["unique"] = True


@step("add an unnamed index (named by the policy)")
def _(s):
    find(s, "org")["indexes"] = [{"columns": ["name"]}]


@step("add a partial index", only={"postgresql", "sqlite"})
def _(s):
    find(s, "account")["indexes"].append({"name": "ix_account_active", "columns": ["org_id"],
                                          "where": "state = 'active'"})


@step("add an expression index", only={"postgresql", "sqlite"})
def _(s):
    find(s, "account")["indexes"].append({"name": "ix_account_lower", "expression": "lower(email)"})


@step("add a unique constraint")
def _(s):
    # not led by org_id: MariaDB would then use it for the foreign key on org_id in place of its own
    # index, and refuse to drop it again (a limitation of MariaDB's, written in ARCHITECTURE.md)
    find(s, "account")["uniques"] = [{"name": "uq_account_email_org", "columns": ["email", "org_id"]}]


@step("drop a unique constraint")
def _(s):
    del find(s, "account")["uniques"]


@step("add a check constraint")
def _(s):
    find(s, "account")["checks"] = [{"name": "ck_balance", "expression": "balance >= 0"}]


@step("change a check's expression")
def _(s):
    find(s, "account")["checks"][0]["expression"] = "balance >= -100"


@step("drop a check constraint")
def _(s):
    del find(s, "account")["checks"]


@step("change a foreign key's action")
def _(s):
    find(s, "account")["foreign_keys"][0]["on_delete"] = "cascade"


@step("drop a foreign key")
def _(s):
    del find(s, "account")["foreign_keys"]


@step("add a foreign key")
def _(s):
    find(s, "account")["foreign_keys"] = [{"name": "fk_account_org2", "columns": ["org_id"],
                                           "references": "org(id)", "on_delete": "set null"}]


@step("add a table with a unique column")
def _(s):
    s["tables"].append(table("tag", [col("id", "integer", primary_key=True),
                                     col("name", "varchar(50)", nullable=False)],
                             uniques=[{"name": "uq_tag_name", "columns": ["name"]}]))


@step("add a table with a composite primary key and two foreign keys")
def _(s):
    s["tables"].append(table("account_tag", [col("account_id", "bigint", nullable=False),
                                             col("tag_id", "integer", nullable=False)],
                             primary_key={"name": "pk_account_tag", "columns": ["account_id", "tag_id"]},
                             foreign_keys=[{"name": "fk_at_account", "columns": ["account_id"],
                                            "references": "account(id)", "on_delete": "cascade"},
                                           {"name": "fk_at_tag", "columns": ["tag_id"], "references": "tag(id)"}]))


@step("rename a table")
def _(s):
    t = find(s, "tag")
    t["name"] = "label"
    t["renamed_from"] = "tag"
    find(s, "account_tag")["foreign_keys"][1]["references"] = "label(id)"


@step("drop a table")
def _(s):
    s["tables"] = [t for t in s["tables"] if t["name"] != "account_tag"]


@step("add a self-referencing foreign key")
def _(s):
    t = find(s, "org")
    t["columns"].append(col("parent_id", "integer"))
    t["foreign_keys"] = [{"name": "fk_org_parent", "columns": ["parent_id"], "references": "org(id)",
                          "on_delete": "set null"}]


@step("add two tables that reference each other")
def _(s):
    s["tables"] += [
        table("alpha", [col("id", "integer", primary_key=True), col("beta_id", "integer")],
              foreign_keys=[{"name": "fk_alpha_beta", "columns": ["beta_id"], "references": "beta(id)"}]),
        table("beta", [col("id", "integer", primary_key=True), col("alpha_id", "integer")],
              foreign_keys=[{"name": "fk_beta_alpha", "columns": ["alpha_id"], "references": "alpha(id)"}]),
    ]


@step("drop two tables that reference each other")
def _(s):
    s["tables"] = [t for t in s["tables"] if t["name"] not in ("alpha", "beta")]


@step("add a table of every portable type")
def _(s):
    types = ["integer", "bigint", "smallint", "boolean", "varchar(10)", "text", "numeric(8,3)", "real",
             "double", "date", "time", "timestamp", "timestamptz", "blob", "json", "uuid"]
    s["tables"].append(table("types", [col("id", "integer", primary_key=True)] +
                             [col("c_" + t.split("(")[0], t) for t in types]))


@step("add a composite foreign key")
def _(s):
    s["tables"].append(table("label_ref", [col("id", "integer", primary_key=True),
                                           col("label_id", "integer"), col("label_name", "varchar(50)")],
                             foreign_keys=[{"name": "fk_label_ref", "columns": ["label_id", "label_name"],
                                            "references": "label(id, name)", "on_update": "cascade"}]))
    find(s, "label")["uniques"].append({"name": "uq_label_id_name", "columns": ["id", "name"]})


@step("drop the table of every portable type")
def _(s):
    s["tables"] = [t for t in s["tables"] if t["name"] != "types"]


@step("comment a table", only={"postgresql", "mysql"})
def _(s):
    find(s, "org")["comment"] = "who pays"


@step("drop a NOT NULL")
def _(s):
    del findcol(find(s, "org"), "name")["nullable"]


@step("add a boolean column with a default")
def _(s):
    find(s, "org")["columns"].append(col("active", "boolean", nullable=False, server_default="1" if dialect != "postgresql" else "true"))


@step("add a NOT NULL column with a default")
def _(s):
    find(s, "org")["columns"].append(col("tier", "smallint", nullable=False, server_default="1"))


@step("widen a type (smallint to integer)")
def _(s):
    findcol(find(s, "org"), "tier")["type"] = "integer"


@step("rename a column that an index covers")
def _(s):
    t = find(s, "account")
    c = findcol(t, "email")
    c["name"] = "mail"
    c["renamed_from"] = "email"
    for ix in t["indexes"]:
        if ix.get("columns") == ["email"]:
            ix["columns"] = ["mail"]
        if ix.get("expression") == "lower(email)":
            ix["expression"] = "lower(mail)"


@step("drop an index")
def _(s):
    t = find(s, "account")
    t["indexes"] = [ix for ix in t["indexes"] if ix["name"] != "ix_account_state"]


@step("change a primary key")
def _(s):
    t = find(s, "label_ref")
    for c in t["columns"]:
        c.pop("primary_key", None)
    findcol(t, "label_id")["nullable"] = False
    t["primary_key"] = {"name": "pk_label_ref", "columns": ["id", "label_id"]}
    findcol(t, "id")["nullable"] = False


@step("create an enum type", only={"postgresql"})
def _(s):
    s["enums"] = [{"name": "mood", "values": ["sad", "ok", "happy"]}]
    find(s, "org")["columns"].append(col("mood", "mood"))


@step("append an enum value", only={"postgresql"})
def _(s):
    s["enums"][0]["values"].append("ecstatic")


@step("insert an enum value in the middle (AFTER)", only={"postgresql"})
def _(s):
    s["enums"][0]["values"].insert(1, "meh")


@step("insert an enum value first (BEFORE) and one at the end", only={"postgresql"})
def _(s):
    s["enums"][0]["values"].insert(0, "awful")
    s["enums"][0]["values"].append("elated")


@step("remove an enum value (the type is rebuilt)", only={"postgresql"})
def _(s):
    s["enums"][0]["values"].remove("meh")


@step("reorder enum values", only={"postgresql"})
def _(s):
    v = s["enums"][0]["values"]
    v[1], v[2] = v[2], v[1]


@step("drop an enum type", only={"postgresql"})
def _(s):
    t = find(s, "org")
    t["columns"] = [c for c in t["columns"] if c["name"] != "mood"]
    del s["enums"]


@step("add a counter table")
def _(s):
    s["tables"].append(table("counter", [col("id", "integer", primary_key=True, autoincrement=True),
                                         col("n", "integer")]))


@step("turn autoincrement off")
def _(s):
    findcol(find(s, "counter"), "id")["autoincrement"] = False


@step("turn autoincrement on")
def _(s):
    findcol(find(s, "counter"), "id")["autoincrement"] = True


@step("drop the counter table")
def _(s):
    s["tables"] = [t for t in s["tables"] if t["name"] != "counter"]


@step("drop every table")
def _(s):
    s["tables"] = []


def q(v):
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def names(v):
    return "[ " + ", ".join(q(x) for x in v) + " ]"


def conf(s):
    o = []
    if s.get("enums"):
        o.append("enums = (\n" + ",\n".join(
            "  { name = %s; values = %s; }" % (q(e["name"]), names(e["values"])) for e in s["enums"]) + "\n);")
    ts = []
    for t in s["tables"]:
        parts = ["name = %s;" % q(t["name"])]
        for k in ("comment", "renamed_from"):
            if k in t:
                parts.append("%s = %s;" % (k, q(t[k])))
        cols = []
        for c in t["columns"]:
            f = ["name = %s;" % q(c["name"]), "type = %s;" % q(c["type"])]
            for k in ("nullable", "primary_key", "autoincrement"):
                if k in c:
                    f.append("%s = %s;" % (k, "true" if c[k] else "false"))
            for k in ("server_default", "comment", "renamed_from"):
                if k in c:
                    f.append("%s = %s;" % (k, q(c[k])))
            cols.append("      { " + " ".join(f) + " }")
        parts.append("columns = (\n" + ",\n".join(cols) + "\n    );")
        if "primary_key" in t:
            parts.append("primary_key = { name = %s; columns = %s; };" % (q(t["primary_key"]["name"]),
                                                                         names(t["primary_key"]["columns"])))
        for k in ("uniques", "indexes", "foreign_keys", "checks"):
            if not t.get(k):
                continue
            items = []
            for e in t[k]:
                f = []
                for kk in ("name", "expression", "references", "where", "on_delete", "on_update"):
                    if kk in e and kk != "expression":
                        f.append("%s = %s;" % (kk, q(e[kk])))
                    elif kk == "expression" and kk in e:
                        f.append("expression = %s;" % q(e[kk]))
                if "columns" in e:
                    f.insert(1 if "name" in e else 0, "columns = %s;" % names(e["columns"]))
                if e.get("unique"):
                    f.append("unique = true;")
                items.append("      { " + " ".join(f) + " }")
            parts.append("%s = (\n%s\n    );" % (k, ",\n".join(items)))
        ts.append("  { " + "\n    ".join(parts) + "\n  }")
    o.append("tables = (\n" + ",\n".join(ts) + "\n);" if ts else "tables = ();")
    return "\n".join(o) + "\n"


os.makedirs(out, exist_ok=True)
s = {"tables": []}
n = 0
with open(os.path.join(out, "%02d.conf" % n), "w") as f:
    f.write(conf(s))
names_out = ["empty"]
for name, only, fn in steps:
    if only and dialect not in only:
        continue
    s = copy.deepcopy(s)
    for t in s["tables"]:  # renames last one step
        t.pop("renamed_from", None)
        for c in t["columns"]:
            c.pop("renamed_from", None)
    fn(s)
    n += 1
    with open(os.path.join(out, "%02d.conf" % n), "w") as f:
        f.write(conf(s))
    names_out.append(name)
with open(os.path.join(out, "names"), "w") as f:
    f.write("\n".join(names_out) + "\n")
print(n)
