-- Identifiers holding a double quote, a single quote, a backtick and a
-- space, in tables, columns, constraints and indexes.
CREATE TABLE "my t" (
    "a""b" INTEGER NOT NULL,
    "it's" TEXT DEFAULT 'it''s',
    "back`tick" TEXT,
    CONSTRAINT "pk ""my t""" PRIMARY KEY ("a""b")
);
CREATE TABLE "other table" (
    id INTEGER PRIMARY KEY,
    "ref col" INTEGER,
    CONSTRAINT "fk 'quoted'" FOREIGN KEY ("ref col") REFERENCES "my t" ("a""b") ON DELETE CASCADE,
    CONSTRAINT "ck`1" CHECK ("ref col" <> 0)
);
CREATE INDEX "ix my t" ON "my t" ("it's", "back`tick");
