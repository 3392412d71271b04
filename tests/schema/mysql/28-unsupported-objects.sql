-- What retort cannot describe is listed on standard error and left out, or
-- (a generated column, ON UPDATE CURRENT_TIMESTAMP) dumped without what it
-- cannot say; the rest is dumped.
CREATE TABLE article (
    id INT NOT NULL PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    body TEXT,
    title_len INT AS (char_length(title)) VIRTUAL,
    changed DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    FULLTEXT KEY ft_article (title, body),
    KEY ix_article_title (title)
);
CREATE VIEW article_titles AS SELECT id, title FROM article;
CREATE SEQUENCE article_seq;
