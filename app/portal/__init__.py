"""The public site: the petition form, the receipt, tracking, and the language switcher."""
