"""Spreadsheet round trip: records to workbooks and back."""
