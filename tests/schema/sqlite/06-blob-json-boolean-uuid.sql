-- blob, json, boolean, and uuid as retort renders it (VARCHAR(36)).
CREATE TABLE documents (
    id VARCHAR(36) NOT NULL,
    body BLOB,
    meta JSON,
    published BOOLEAN NOT NULL
);
