"""Command-line subcommands, one module each, listed explicitly in bot/cli.py."""
