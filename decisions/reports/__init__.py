"""Exporters: plain objects whose ``render(assessment, functions)`` returns
``(filename, content_type, bytes)``; views only wrap the bytes in a response.

- ``pdf.PDFReport``: the signed-off report (WeasyPrint, print CSS, SVG charts).
- ``tabular.CSVExport`` / ``tabular.JSONExport``: the same data for spreadsheets and tools.
"""
