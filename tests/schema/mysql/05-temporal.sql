-- Dates and times: DATETIME is timestamp (the portable timestamp and
-- timestamptz both render as DATETIME); MariaDB's own TIMESTAMP reads as
-- timestamp(0) so that it renders back as TIMESTAMP.
CREATE TABLE times (
    a DATE,
    b TIME,
    c DATETIME,
    d DATETIME(6),
    e TIMESTAMP NULL,
    f TIMESTAMP(3) NULL,
    g YEAR,
    h TIME(2)
);
