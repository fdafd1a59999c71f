-- Schema version 2: the search index.
-- household_fts: one trigram document per household (members' names, pinyin, initials,
-- ID numbers, phones, the address) for queries of three characters or more.
-- household_gram: one- and two-character grams of members' names and initials, because a
-- trigram index cannot match a query shorter than three characters (two-character names).
CREATE VIRTUAL TABLE "household_fts" USING fts5(doc, tokenize = 'trigram');
CREATE TABLE "household_gram" (
    "gram" TEXT NOT NULL,
    "household_id" INTEGER NOT NULL REFERENCES "household" ("id"),
    PRIMARY KEY ("gram", "household_id")
) WITHOUT ROWID;
CREATE INDEX "household_gram_household" ON "household_gram" ("household_id");
