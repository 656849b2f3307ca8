"""The only place with SQL: SQLite (aiosqlite) or PostgreSQL (asyncpg), numbered migrations, one transaction per unit
of work."""
