-- Schema version 5: drop indexes that another index already starts with (every insert pays
-- for each index; a query can use the longer one just as well).
DROP INDEX "visit_household_id";          -- visit_household_id_visit_date
DROP INDEX "visit_campaign_id";           -- visit_campaign_cover
DROP INDEX "visit_visit_date";            -- visit_date_cover
DROP INDEX "membership_category";         -- membership_category_household_id
DROP INDEX "campaign_target_campaign_id"; -- campaign_target_campaign_id_household_id
DROP INDEX "participation_activity_id";   -- participation_activity_id_volunteer_id
