"""The dashboard's entry point. The frame and the navigation live in ui/shell.py."""

from ui.shell import run_app

run_app()
