"""Personal data protection (Nghị định 13/2023/NĐ-CP): a citizen's data exported for them by staff."""
