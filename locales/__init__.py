"""Notch's translations: one folder per language, its gettext catalogue (`LC_MESSAGES/
messages.po`) and the words its typed answers use (`words.toml`). Data, not code: a package only
so that every install, a wheel included, carries it beside the code (`bot.i18n`)."""
