"""The shared test harness: what test modules import (never another test module or a conftest).

clock      FakeClock, the time the end-to-end tests move by hand
notch      Notch (the running bot, its emulator and clock) and the bot's test token
journeys   a person's way through onboarding and the efficacy ladder, read_until, lead
daily      users made straight through storage, challenge and user rows read back
history    answered days written into the tables: a generated year, chosen days
postgres   the PostgreSQL test server: URL, administrative SQL, skip-or-fail when away
wire       the raw Bot API client's type for the emulator tests
words      the parsers' lexicons: EN, words(locale)

Fixtures stay in the conftest files; tests/test_layout.py checks the import rule.
"""
