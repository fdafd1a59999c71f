-- Schema version 12: two indexes of payment_line that no read uses. Lines are read by round,
-- household, membership, uuid and category; a line's person and account are reached from the
-- line (their primary keys), and neither is ever deleted, so foreign-key checks need no index
-- either. Each cost every line written (a round of every 低保 household is 46,000 lines).
DROP INDEX "payment_line_person_id";
DROP INDEX "payment_line_account_id";
