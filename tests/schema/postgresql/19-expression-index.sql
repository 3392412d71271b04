-- Indexes on expressions: the key list as PostgreSQL writes it.
CREATE TABLE person (
    id integer PRIMARY KEY,
    email varchar(255),
    first_name text,
    last_name text
);
CREATE INDEX ix_person_lower_email ON person (lower(email));
CREATE UNIQUE INDEX ux_person_name ON person (lower(last_name), first_name);
CREATE INDEX ix_person_full ON person ((first_name || ' ' || last_name));
