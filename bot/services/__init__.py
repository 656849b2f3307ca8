"""Domain services: plain, testable code shared by every door."""
