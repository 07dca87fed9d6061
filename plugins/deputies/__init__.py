"""Deputies (代表信息公开与履职档案): platform 1 of the source document.

Five-level deputy disclosure shaped after the Popolo specification, liaison
stations, performance records, Excel import and XLSX/Popolo export. Built
only on the public plugin API (``cms.plugins``, ``cms.services``).
"""
