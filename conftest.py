import os

# Tests talk plain HTTP to the live server; secure-only cookies would never be sent back.
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")


def pytest_configure(config):
    # Test users sign in thousands of times; the production hasher is deliberately slow.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client talks plain HTTP too (settings were read before the line at the top ran).
    settings.SECURE_SSL_REDIRECT = False
