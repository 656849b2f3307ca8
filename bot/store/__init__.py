"""The only place with SQL: aiosqlite, numbered migrations, one transaction per unit of work."""
