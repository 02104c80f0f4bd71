"""The management report (ISO 10002 8.2 to 8.4): figures over complaint records, the CSV
table and the SVG charts."""
