"""The admin dashboard (issue 21 #2): server-rendered pages on the process's HTTP server, behind sign-in links."""
