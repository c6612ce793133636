"""Load, query-count and page-weight benchmark of the public pages; see README.md."""
