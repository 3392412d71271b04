-- REFERENCES without columns means the referenced primary key; names
-- written in another case read back as the tables and columns declare them.
CREATE TABLE Owner (
    Code TEXT NOT NULL,
    Seq INTEGER NOT NULL,
    PRIMARY KEY (Code, Seq)
);
CREATE TABLE pet (
    id INTEGER PRIMARY KEY,
    owner_code TEXT,
    owner_seq INTEGER,
    vet_id INTEGER,
    FOREIGN KEY (owner_code, owner_seq) REFERENCES owner,
    FOREIGN KEY (VET_ID) REFERENCES PET (ID)
);
