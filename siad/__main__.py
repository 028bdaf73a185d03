"""``python -m siad``: same as the ``siad`` command."""

from .cli import main

main()
