"""Documents: receipts, slips and notices (HTML for print; DOCX later), and QR codes."""
