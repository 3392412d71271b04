-- A composite foreign key to a composite primary key, columns in key order
-- (not the table's column order), and one to a composite unique key.
CREATE TABLE region (
    country CHAR(2) NOT NULL,
    code VARCHAR(5) NOT NULL,
    id INT NOT NULL,
    PRIMARY KEY (country, code),
    CONSTRAINT uq_region_id_country UNIQUE (id, country)
);
CREATE TABLE city (
    id INT NOT NULL PRIMARY KEY,
    region_code VARCHAR(5) NOT NULL,
    region_country CHAR(2) NOT NULL,
    region_id INT,
    CONSTRAINT fk_city_region FOREIGN KEY (region_country, region_code) REFERENCES region (country, code)
        ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT fk_city_region_id FOREIGN KEY (region_id, region_country) REFERENCES region (id, country)
        ON UPDATE CASCADE
);
