-- Every ON UPDATE action.  MariaDB keeps RESTRICT when no action is given and
-- treats NO ACTION as RESTRICT: both read as no action (omitted).  InnoDB
-- does not implement SET DEFAULT and keeps RESTRICT for it.
CREATE TABLE parent (
    id INT NOT NULL PRIMARY KEY
);
CREATE TABLE child (
    id INT NOT NULL PRIMARY KEY,
    p1 INT,
    p2 INT,
    p3 INT,
    p4 INT,
    p5 INT,
    p6 INT,
    CONSTRAINT fk_cascade FOREIGN KEY (p1) REFERENCES parent (id) ON UPDATE CASCADE,
    CONSTRAINT fk_set_null FOREIGN KEY (p2) REFERENCES parent (id) ON UPDATE SET NULL,
    CONSTRAINT fk_restrict FOREIGN KEY (p3) REFERENCES parent (id) ON UPDATE RESTRICT,
    CONSTRAINT fk_no_action FOREIGN KEY (p4) REFERENCES parent (id) ON UPDATE NO ACTION,
    CONSTRAINT fk_set_default FOREIGN KEY (p5) REFERENCES parent (id) ON UPDATE SET DEFAULT,
    CONSTRAINT fk_default FOREIGN KEY (p6) REFERENCES parent (id)
);
