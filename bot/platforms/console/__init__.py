"""The console door: the whole bot on stdin/stdout, with a simulated clock."""
