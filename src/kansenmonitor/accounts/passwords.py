"""Password hashing with argon2id (argon2-cffi, the OWASP-recommended algorithm), and the rules for a password."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory defaults

MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash (never raises on a wrong password or a broken hash)."""
    if not stored:
        return False
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)


def password_problem(password: str, username: str = "") -> str | None:
    """A Dutch sentence saying what is wrong with a new password, or ``None`` when it is good enough."""
    if len(password) < MIN_LENGTH:
        return f"het wachtwoord is te kort: gebruik minstens {MIN_LENGTH} tekens (een zin van een paar woorden werkt goed)"
    if username and username.lower() in password.lower():
        return "het wachtwoord mag de gebruikersnaam niet bevatten"
    if len(set(password)) < 5:
        return "het wachtwoord is te eenvoudig: gebruik meer verschillende tekens"
    return None
