-- Names with a double quote, a single quote, a backtick and a space.
CREATE TABLE "my t" (
    "a""b" integer PRIMARY KEY,
    "it's" text,
    "back`tick" integer,
    "with space" varchar(5) DEFAULT 'x y'
);
CREATE TABLE "ref t" (
    id integer PRIMARY KEY,
    "my ref" integer,
    CONSTRAINT "fk ""quoted""" FOREIGN KEY ("my ref") REFERENCES "my t" ("a""b")
);
CREATE INDEX "ix it's" ON "my t" ("it's", "back`tick");
CREATE UNIQUE INDEX "ux ""q""" ON "my t" (lower("it's"));
COMMENT ON TABLE "my t" IS 'it''s "odd"';
