"""``python -m narcwatch``: the same command line as the ``narcwatch`` script."""

from narcwatch.cli.app import main

if __name__ == "__main__":
    main()
