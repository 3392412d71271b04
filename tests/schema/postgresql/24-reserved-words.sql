-- Tables, columns and indexes named with reserved words.
CREATE TABLE "user" (
    "id" integer PRIMARY KEY,
    "select" text,
    "from" integer,
    "order" integer NOT NULL DEFAULT 0
);
CREATE TABLE "order" (
    id integer PRIMARY KEY,
    "user" integer REFERENCES "user" ON DELETE CASCADE,
    "check" integer CHECK ("check" > 0),
    "group" text
);
CREATE INDEX "table" ON "order" ("group");
CREATE INDEX "index" ON "user" ("order", "select");
