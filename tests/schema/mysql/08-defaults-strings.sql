-- String defaults read back as SQL literals, as MariaDB keeps them:
-- quotes doubled, backslashes and control characters escaped with a backslash.
CREATE TABLE sdef (
    a VARCHAR(20) DEFAULT 'x',
    b VARCHAR(20) NOT NULL DEFAULT '',
    c VARCHAR(20) DEFAULT 'it''s',
    d VARCHAR(20) DEFAULT 'back\\slash',
    e VARCHAR(20) DEFAULT 'line\nbreak',
    f VARCHAR(20) DEFAULT 'NULL',
    g CHAR(3) DEFAULT 'abc',
    h TEXT DEFAULT 'long',
    i ENUM('a', 'b') NOT NULL DEFAULT 'b',
    j VARCHAR(20) DEFAULT 'say "hi"'
);
