"""The doors: Slack, Discord and the console. Only here may platform SDKs be imported."""
