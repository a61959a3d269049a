"""OCR: page preprocessing, the Tesseract engine and the searchable-PDF builder."""
