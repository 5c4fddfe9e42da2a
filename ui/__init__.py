"""The UI package: strings, formatting, theme, cached frames and shared widgets for the pages."""
