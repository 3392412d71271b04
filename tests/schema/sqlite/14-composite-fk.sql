-- A composite foreign key onto a composite primary key, columns in key order.
CREATE TABLE release (
    product TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (product, version)
);
CREATE TABLE download (
    id INTEGER PRIMARY KEY,
    rel_version INTEGER NOT NULL,
    rel_product TEXT NOT NULL,
    CONSTRAINT fk_download_release FOREIGN KEY (rel_product, rel_version)
        REFERENCES release (product, version) ON DELETE CASCADE ON UPDATE CASCADE
);
