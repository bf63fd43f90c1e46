"""Lets `python -m smcbot` run the command line."""

from smcbot.cli import main

if __name__ == "__main__":
    main()
