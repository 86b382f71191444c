# "30 décembre 2026 à 18:00": the French way of writing a date and time (Django's is "30 décembre 2026 18:00").
DATETIME_FORMAT = "j F Y à H:i"
