-- Numeric defaults, and a parenthesised expression (read without its
-- parentheses).
CREATE TABLE stock (
    qty INTEGER NOT NULL DEFAULT 0,
    delta INTEGER DEFAULT -1,
    price REAL DEFAULT 1.5,
    total INTEGER DEFAULT (1 + 2)
);
