-- Two tables that reference each other (the second key added by ALTER TABLE).
CREATE TABLE dept (
    id INT NOT NULL PRIMARY KEY,
    manager_id INT
);
CREATE TABLE emp (
    id INT NOT NULL PRIMARY KEY,
    dept_id INT NOT NULL,
    CONSTRAINT fk_emp_dept FOREIGN KEY (dept_id) REFERENCES dept (id)
);
ALTER TABLE dept ADD CONSTRAINT fk_dept_manager FOREIGN KEY (manager_id) REFERENCES emp (id) ON DELETE SET NULL;
