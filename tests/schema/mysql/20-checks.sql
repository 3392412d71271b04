-- Checks: a column's (named after the column) and the table's, named or not
-- (MariaDB names those CONSTRAINT_N), with the text MariaDB keeps.
CREATE TABLE ck (
    a INT CHECK (a > 0),
    b INT,
    c VARCHAR(10),
    d DATE,
    CONSTRAINT ck_b CHECK (b BETWEEN 1 AND 10),
    CHECK (c <> ''),
    CONSTRAINT ck_ab CHECK (a < b OR b IS NULL),
    CONSTRAINT ck_c_in CHECK (c IN ('x', 'y''z')),
    CONSTRAINT ck_d CHECK (d >= '2000-01-01' AND char_length(c) > 1)
);
