"""Data sources: the recurring feed of customer data. A source (an SQL query on the customer's own database,
or a CSV file at a URL) is pulled on its schedule or on demand, and every pull is an ordinary import: its
rows become the import's CSV format in a temporary file, which metrics.services.start_import and run_import
take like any upload. The per-organization column mapping of uploads lives here too, as it is the same
idea: a file's own headers renamed onto the import's columns.

models.py (imported by metrics.models; passwords at rest are cco_portal/encryption.py), fetchers.py (reading a source
as CSV), mapping.py (headers onto the import columns), services.py (writes), selectors.py (reads),
schedule.py (the django-celery-beat rows), tasks.py (the pull with its retries), and the pages: forms.py,
views.py, urls.py (included by metrics/urls.py). The API is metrics/api/sources.py."""
