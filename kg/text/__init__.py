"""Text in: decode a page (read), repair PDF-extracted text (clean), cut it into articles (split)."""
