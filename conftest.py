import os

# Tests talk plain HTTP to the live server; secure-only cookies would never be sent back.
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
