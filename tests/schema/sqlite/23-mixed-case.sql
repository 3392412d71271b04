-- Mixed-case names keep their case; tables sort by bytes (upper case first).
CREATE TABLE "UserAccount" (
    "UserId" INTEGER PRIMARY KEY,
    "DisplayName" VARCHAR(40) NOT NULL,
    "OrgId" INTEGER REFERENCES "Org" ("OrgId")
);
CREATE TABLE "Org" (
    "OrgId" INTEGER PRIMARY KEY,
    "Name" TEXT
);
CREATE TABLE audit (
    "When" TIMESTAMP,
    "Who" INTEGER
);
CREATE INDEX "IX_UserAccount_Name" ON "UserAccount" ("DisplayName");
