-- The indexes MariaDB creates for foreign keys (named as the constraint, or
-- as the first column for an unnamed one) are not written; an index the user
-- made is, even when it serves a foreign key.
CREATE TABLE p (
    id INT NOT NULL PRIMARY KEY,
    a INT NOT NULL,
    b INT NOT NULL,
    UNIQUE KEY uq_p_ab (a, b)
);
CREATE TABLE c1 (
    id INT,
    pid INT,
    CONSTRAINT fk_c1_p FOREIGN KEY (pid) REFERENCES p (id)
);
CREATE TABLE c2 (
    id INT,
    pid INT,
    FOREIGN KEY (pid) REFERENCES p (id)
);
CREATE TABLE c3 (
    id INT,
    pid INT,
    KEY ix_c3_pid_id (pid, id),
    CONSTRAINT fk_c3_p FOREIGN KEY (pid) REFERENCES p (id)
);
CREATE TABLE c4 (
    x INT,
    y INT,
    CONSTRAINT fk_c4_p FOREIGN KEY (x, y) REFERENCES p (a, b)
);
CREATE TABLE c5 (
    pid INT,
    KEY ix_c5_pid (pid),
    CONSTRAINT fk_c5_p FOREIGN KEY (pid) REFERENCES p (id)
);
CREATE TABLE c6 (
    pid INT NOT NULL PRIMARY KEY,
    CONSTRAINT fk_c6_p FOREIGN KEY (pid) REFERENCES p (id)
);
