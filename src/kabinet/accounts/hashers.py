from django.contrib.auth.hashers import PBKDF2PasswordHasher


class TemporaryPasswordHasher(PBKDF2PasswordHasher):
    """For issued temporary passwords only: random, 80+ bits, changed at first login.

    Creating 1,000 partner administrators at launch (A6) with Django's default 1,000,000 PBKDF2
    rounds would take minutes; a random temporary password does not need key stretching to be
    out of reach of guessing. It is never the default hasher: the user's own password is hashed
    with the full cost, and Django re-hashes this one at the first successful login.
    Checking a wrong password against it is topped up to the full cost
    (backends.hasher_cost_even_out), so timing does not tell which accounts are not activated.
    """

    algorithm = "kabinet_temp_pbkdf2_sha256"
    iterations = 5_000
