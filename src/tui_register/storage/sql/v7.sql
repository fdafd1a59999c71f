-- Schema version 7: a campaign exception's outcome. "not_reached" (未遇) is an attempt, not a
-- visit: it counts nowhere and leaves the household open; "proxy" (代领) is a visit whose cash
-- someone else collected, named in "collector". The covering indexes gain the outcome so
-- that totals and campaign progress still read the index alone.
ALTER TABLE "visit" ADD COLUMN "outcome" VARCHAR(255) NOT NULL DEFAULT 'visited';
ALTER TABLE "visit" ADD COLUMN "collector" VARCHAR(255) NOT NULL DEFAULT '';
DROP INDEX "visit_date_cover";
CREATE INDEX "visit_date_cover" ON "visit" ("visit_date", "status", "outcome", "household_id", "cash_fen", "purpose");
DROP INDEX "visit_campaign_cover";
CREATE INDEX "visit_campaign_cover" ON "visit" ("campaign_id", "household_id", "status", "outcome", "cash_fen", "visit_date");
