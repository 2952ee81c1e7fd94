"""AccessRecord's admin is registered in cases/admin.py, beside the cases it is about, so it obeys the
same visibility rules as the staff pages (the audit app sits below cases and cannot read them)."""
