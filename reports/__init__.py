"""One module per screen: the numbers a page shows and `python -m analytics` prints, worked out in one place (issue 23)."""
