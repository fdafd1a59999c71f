"""What the visit, campaign and due-list screens ask of storage."""

from __future__ import annotations

from tui_register.storage import visit_queries
from tui_register.ui.services.calls import db_call, later

visit_page = db_call(visit_queries.visit_page)
visit_totals = db_call(visit_queries.visit_totals)
visitor_names = db_call(visit_queries.visitor_names)
goods_choices = db_call(visit_queries.goods_choices)
campaigns = db_call(visit_queries.campaigns)
campaign_progress = db_call(visit_queries.campaign_progress)
campaign_targets = db_call(visit_queries.campaign_targets)
households_for_targets = db_call(visit_queries.households_for_targets)
count_households_for_targets = db_call(visit_queries.count_households_for_targets)
due_list = db_call(visit_queries.due_list)
household_label = db_call(visit_queries.household_label)
visit_as_saved = db_call(visit_queries.visit_as_saved)
target_visit = visit_queries.target_visit  # no query: the fields of a visit just saved

_VISITS = "tui_register.storage.visits"
add_visit = later(_VISITS, "add_visit")
update_visit = later(_VISITS, "update_visit")
void_visit = later(_VISITS, "void_visit")
complete_follow_up = later(_VISITS, "complete_follow_up")
create_campaign = later(_VISITS, "create_campaign")
campaign_visit = later(_VISITS, "campaign_visit")
add_target = later(_VISITS, "add_target")
remove_target = later(_VISITS, "remove_target")
