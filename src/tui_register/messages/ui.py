"""Messages of the interface."""

MESSAGES = {
    "ui.quit": ("退出", "Quit"),
    "ui.no_office": ("(未设置单位名称)", "(office name not set)"),
    "ui.col_head": ("户主", "Head"),
    "ui.col_id": ("身份证号", "ID number"),
    "ui.col_place": ("村/社区", "Village"),
    "ui.col_persons": ("人数", "Persons"),
    "ui.totals": ("共 {households} 户 {persons} 人", "{households} households, {persons} persons"),
}
