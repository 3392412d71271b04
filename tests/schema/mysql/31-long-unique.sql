-- A UNIQUE key on a TEXT or BLOB column without a prefix is MariaDB's "long
-- unique" (a hidden hash, INDEX_TYPE HASH): a unique constraint like any
-- other, re-created the same way.  A MyISAM table's keys read the same.
CREATE TABLE doc (
    id INT NOT NULL PRIMARY KEY,
    body TEXT,
    digest BLOB,
    CONSTRAINT uq_doc_body UNIQUE (body),
    UNIQUE KEY uq_doc_digest_id (digest, id)
);
CREATE TABLE legacy (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code VARCHAR(10) NOT NULL,
    KEY ix_legacy_code (code)
) ENGINE = MyISAM;
