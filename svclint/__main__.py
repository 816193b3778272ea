"""`python -m svclint` is the `svclint` command."""

from svclint.cli import main

main()
