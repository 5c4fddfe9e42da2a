"""One module per screen: the numbers a page shows and `python -m analytics` prints, worked out
in one place (issue 23), so the choice of aggregate or slice of person rows is made once."""
