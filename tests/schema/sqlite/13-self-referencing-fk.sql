-- A table referencing itself, on a column and as a named table constraint.
CREATE TABLE employee (
    id INTEGER PRIMARY KEY,
    manager_id INTEGER REFERENCES employee (id) ON DELETE SET NULL,
    mentor_id INTEGER,
    CONSTRAINT fk_employee_mentor FOREIGN KEY (mentor_id) REFERENCES employee (id)
);
