-- Unnamed foreign keys whose first column already names an index: InnoDB
-- names its index after the column with a suffix (a_2), and one index on
-- (a, b) serves both keys.  That index is not written; the user's index
-- named a (on b) is.
CREATE TABLE p (
    id INT NOT NULL,
    k INT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY (id, k)
);
CREATE TABLE c (
    a INT,
    b INT,
    KEY a (b),
    FOREIGN KEY (a) REFERENCES p (id),
    FOREIGN KEY (a, b) REFERENCES p (id, k)
);
CREATE TABLE c2 (
    a INT,
    b INT,
    FOREIGN KEY (a, b) REFERENCES p (id, k),
    FOREIGN KEY (a) REFERENCES p (id)
);
