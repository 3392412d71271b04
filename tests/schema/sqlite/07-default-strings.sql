-- String defaults: kept as SQL literals, quotes doubled inside.
CREATE TABLE labels (
    a TEXT DEFAULT 'x',
    b TEXT NOT NULL DEFAULT 'It''s',
    c VARCHAR(10) DEFAULT '',
    d TEXT DEFAULT 'back\slash "dq"'
);
