-- Mixed-case names keep their case (lower_case_table_names = 0) and sort
-- by bytes: upper case first.
CREATE TABLE MixedCase (
    Id INT NOT NULL PRIMARY KEY,
    CamelCol VARCHAR(10) NOT NULL,
    UNIQUE KEY UQ_Camel (CamelCol)
);
CREATE TABLE Other (
    RefId INT,
    KEY IX_Other_RefId_Mixed (RefId),
    CONSTRAINT FK_Other_Mixed FOREIGN KEY (RefId) REFERENCES MixedCase (Id)
);
CREATE TABLE lower_one (
    ID INT
);
