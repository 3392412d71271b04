-- Every portable type as retort renders it for MariaDB, NOT NULL each.
CREATE TABLE portable (
    c_integer INT NOT NULL,
    c_bigint BIGINT NOT NULL,
    c_smallint SMALLINT NOT NULL,
    c_boolean BOOL NOT NULL,
    c_varchar VARCHAR(20) NOT NULL,
    c_text TEXT NOT NULL,
    c_numeric DECIMAL(12,2) NOT NULL,
    c_real FLOAT NOT NULL,
    c_double DOUBLE NOT NULL,
    c_date DATE NOT NULL,
    c_time TIME NOT NULL,
    c_timestamp DATETIME NOT NULL,
    c_timestamptz DATETIME NOT NULL,
    c_blob LONGBLOB NOT NULL,
    c_json JSON NOT NULL,
    c_uuid CHAR(36) NOT NULL
);
