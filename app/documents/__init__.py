"""Documents: receipts, slips and notices as print-ready HTML and DOCX, numbered when first issued; QR codes."""
