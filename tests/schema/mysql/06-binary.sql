-- Binary types: LONGBLOB is blob (what the portable blob renders as); a
-- plain BLOB reads as blob(65535), which renders back as BLOB.
CREATE TABLE bins (
    a LONGBLOB,
    b BLOB,
    c MEDIUMBLOB,
    d TINYBLOB,
    e BINARY(16),
    f VARBINARY(64),
    g BIT(1),
    h BIT(8) NOT NULL
);
