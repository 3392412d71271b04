-- A composite foreign key whose columns are not in the table's column order,
-- and one that references a unique constraint rather than the primary key.
CREATE TABLE region (
    country char(2) NOT NULL,
    code varchar(10) NOT NULL,
    slug text NOT NULL,
    CONSTRAINT pk_region PRIMARY KEY (country, code),
    CONSTRAINT uq_region_slug UNIQUE (slug)
);
CREATE TABLE office (
    id integer PRIMARY KEY,
    r_code varchar(10),
    r_country char(2),
    r_slug text,
    CONSTRAINT fk_office_region FOREIGN KEY (r_country, r_code) REFERENCES region (country, code)
        ON UPDATE CASCADE ON DELETE SET NULL,
    CONSTRAINT fk_office_slug FOREIGN KEY (r_slug) REFERENCES region (slug)
);
