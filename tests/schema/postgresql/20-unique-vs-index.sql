-- Unique constraints are constraints (their index is not an index);
-- a unique index is an index.
CREATE TABLE users (
    id integer PRIMARY KEY,
    email text UNIQUE,
    login text,
    tenant integer,
    code text,
    CONSTRAINT uq_users_tenant_login UNIQUE (tenant, login)
);
CREATE UNIQUE INDEX ux_users_code ON users (code);
CREATE INDEX ix_users_login ON users (login);
