"""`python -m scrubwatch` runs the command line."""

from scrubwatch.cli import main

main()
