"""Reading: listing formats (copied text, API JSON), notes, LaTeX in listing
text, and the commands that add listings (`import`, `fetch`)."""
