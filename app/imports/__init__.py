"""Import of existing registers (XLSX / CSV) kept by offices before the system."""
