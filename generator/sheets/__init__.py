"""Spreadsheets in and out: county workbooks -> catalogue files (``qingdan import``), catalogue -> XLSX/CSV.

``read`` finds header rows and undoes merged cells, ``layout`` names the
sheets and columns shared by import and export, ``rows`` turns one row into an
item record, ``refs`` maps names to catalogue ids, ``exact`` reads back our own
export, ``importer`` runs an import and reports, ``export`` writes XLSX and CSV.
"""
