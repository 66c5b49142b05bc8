"""The site: which pages exist, what each one shows, and how it is rendered."""
