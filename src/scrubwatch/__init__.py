"""scrubwatch: watch news outlets for stealth edits and deletions of published articles."""

__version__ = "0.1.0"
