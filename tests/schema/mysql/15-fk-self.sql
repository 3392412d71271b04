-- A self-referencing foreign key, with both actions, and an unnamed one
-- (MariaDB names it TABLE_ibfk_N).
CREATE TABLE node (
    id INT NOT NULL PRIMARY KEY,
    parent_id INT,
    first_child INT,
    CONSTRAINT fk_node_parent FOREIGN KEY (parent_id) REFERENCES node (id) ON DELETE CASCADE ON UPDATE CASCADE,
    FOREIGN KEY (first_child) REFERENCES node (id) ON DELETE SET NULL
);
