-- Expression defaults: CURRENT_TIMESTAMP, NOW() and current_timestamp() read
-- as CURRENT_TIMESTAMP (with its precision when it has one); other expressions
-- as MariaDB prints them; date literals stay quoted.
CREATE TABLE edef (
    a DATETIME DEFAULT CURRENT_TIMESTAMP,
    b DATETIME NOT NULL DEFAULT NOW(),
    c DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),
    d TIMESTAMP NOT NULL DEFAULT current_timestamp(),
    e DATE DEFAULT '2020-01-02',
    f INT DEFAULT (1 + 2),
    g VARCHAR(10) DEFAULT (concat('a', 'b')),
    h BIT(3) DEFAULT b'101',
    i DATE DEFAULT (curdate())
);
