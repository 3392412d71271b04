-- Plain, composite and unnamed indexes (named after the first column), and
-- the key parts MariaDB has besides columns, a prefix length and DESC,
-- written as a key list.
CREATE TABLE ix (
    id INT NOT NULL PRIMARY KEY,
    a INT,
    b VARCHAR(50),
    c INT,
    d TEXT,
    KEY ix_a (a),
    INDEX ix_bc (b, c),
    KEY (c)
);
CREATE INDEX ix_cb ON ix (c, b);
CREATE INDEX ix_b_prefix ON ix (b(10));
CREATE INDEX ix_desc ON ix (a DESC, c);
CREATE INDEX ix_d ON ix (d(20), id DESC);
