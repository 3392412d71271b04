-- Boolean defaults read back as true / false.
CREATE TABLE flags (
    id integer PRIMARY KEY,
    active boolean NOT NULL DEFAULT true,
    deleted boolean DEFAULT false,
    legacy bool DEFAULT 'f',
    yes bool DEFAULT 'yes'
);
