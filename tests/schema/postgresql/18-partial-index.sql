-- Partial indexes: the predicate as PostgreSQL deparses it.
CREATE TABLE account (
    id integer PRIMARY KEY,
    email text NOT NULL,
    deleted_at timestamp,
    org_id integer
);
CREATE UNIQUE INDEX ux_account_email_live ON account (email) WHERE deleted_at IS NULL;
CREATE INDEX ix_account_org ON account (org_id) WHERE org_id IS NOT NULL AND org_id > 0;
