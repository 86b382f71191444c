"""Date and number formats per language, over Django's (settings.FORMAT_MODULE_PATH).

Every date a person reads is written with a named format (`{{ d|date:"DATE_FORMAT" }}`, `formats.date_format(d,
"SHORT_DATETIME_FORMAT")`), never a pattern such as "j F Y à H:i", so that each language orders and names it its
own way. Only what differs from Django's own formats is here; Basque and Spanish use Django's.
"""
