-- AUTO_INCREMENT is autoincrement, without a default; MariaDB's primary key
-- is always named PRIMARY and written without a name.
CREATE TABLE a1 (
    id INT AUTO_INCREMENT PRIMARY KEY,
    label VARCHAR(10)
);
CREATE TABLE a2 (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    CONSTRAINT pk_a2 PRIMARY KEY (id)
);
CREATE TABLE a3 (
    k SMALLINT NOT NULL AUTO_INCREMENT,
    UNIQUE KEY uq_a3_k (k)
);
