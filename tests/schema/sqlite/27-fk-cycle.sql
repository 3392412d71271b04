-- Two tables referencing each other (SQLite takes the forward reference).
CREATE TABLE author (
    id INTEGER PRIMARY KEY,
    best_book_id INTEGER,
    CONSTRAINT fk_author_best_book FOREIGN KEY (best_book_id) REFERENCES book (id) ON DELETE SET NULL
);
CREATE TABLE book (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL,
    CONSTRAINT fk_book_author FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE
);
