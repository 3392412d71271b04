-- TRUE/FALSE read back as 1/0, DEFAULT NULL as no default, the CURRENT_*
-- keywords in upper case, other expressions without DEFAULT's parentheses.
CREATE TABLE flags (
    on_flag BOOLEAN NOT NULL DEFAULT TRUE,
    off_flag BOOLEAN DEFAULT false,
    note TEXT DEFAULT NULL,
    created TIMESTAMP DEFAULT current_timestamp,
    day DATE DEFAULT CURRENT_DATE,
    stamp TEXT DEFAULT (datetime('now')),
    raw BLOB DEFAULT X'00ff'
);
