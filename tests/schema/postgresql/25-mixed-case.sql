-- Mixed-case names keep their case.
CREATE TABLE "Account" (
    "Id" integer PRIMARY KEY,
    "DisplayName" varchar(100) NOT NULL,
    lower_case text
);
CREATE TABLE "accountLog" (
    id integer PRIMARY KEY,
    "AccountId" integer REFERENCES "Account" ("Id")
);
CREATE INDEX "IX_Account_Name" ON "Account" ("DisplayName");
