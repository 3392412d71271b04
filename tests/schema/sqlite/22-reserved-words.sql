-- Tables, columns, keys and indexes named with SQL keywords.
CREATE TABLE "order" (
    "select" INTEGER PRIMARY KEY,
    "from" TEXT NOT NULL DEFAULT 'where',
    "group" INTEGER REFERENCES "group" ("table")
);
CREATE TABLE "group" (
    "table" INTEGER NOT NULL,
    "index" TEXT,
    CONSTRAINT "primary" PRIMARY KEY ("table"),
    CONSTRAINT "unique" UNIQUE ("index")
);
CREATE INDEX "where" ON "order" ("from", "group");
