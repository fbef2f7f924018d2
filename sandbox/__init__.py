"""Stand-ins for Telegram: the Bot API emulator (tests, the sandbox) and the terminal sandbox.

core decides, storage remembers, bot talks, sandbox stands in for Telegram. Nothing here imports
`bot`, `storage` or `core` (an import-linter contract checks it): the bot is handed in.
"""
