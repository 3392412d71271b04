-- Integer types as MariaDB declares them; display widths are dropped,
-- TINYINT(1) (BOOL) is boolean, UNSIGNED is kept, ZEROFILL keeps the type as written.
CREATE TABLE nums (
    a INT,
    b INTEGER,
    c INT(11),
    d INT(5),
    e BIGINT,
    f BIGINT(20),
    g SMALLINT,
    h MEDIUMINT,
    i TINYINT,
    j TINYINT(1),
    k BOOL,
    l BOOLEAN,
    m INT UNSIGNED,
    n BIGINT UNSIGNED,
    o TINYINT UNSIGNED,
    p SMALLINT(4) UNSIGNED,
    q INT(6) UNSIGNED ZEROFILL
);
