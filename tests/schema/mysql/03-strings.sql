-- Character types: varchar and char keep their length (CHAR(36), what a
-- portable uuid becomes, stays char(36)); enum and set values keep their case.
CREATE TABLE strs (
    a VARCHAR(20),
    b VARCHAR(255) NOT NULL,
    c CHAR(5),
    d CHAR(36),
    e TEXT,
    f TINYTEXT,
    g MEDIUMTEXT,
    h LONGTEXT,
    i ENUM('Small', 'medium', 'LARGE'),
    j SET('a', 'b c')
);
